using System.Diagnostics;
using System.Text;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;
using ConvStream.Media.Y4m;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Video;

namespace ConvStream.Cli.Tests.Faults;

/// <summary>
/// Fuzzing the parsers with thousands of seeded mutants of the committed samples (pipeline files,
/// kernel files, .npy headers, Y4M headers, PNGs), bounded in time. In process, every mutant must
/// be accepted or refused with a <see cref="ConvStreamException"/> (the CLI's exit 1): any other
/// exception is what the CLI reports as exit 70, an internal error. PNGs go through the real
/// command (<c>convstream filter</c>): exit 0 or 1, one line, no output file left behind. A case
/// that does not finish within a generous bound is a hang. Failures print the seed and the mutant.
/// </summary>
public class FuzzTests(Xunit.Abstractions.ITestOutputHelper log)
{
    /// <summary>Mutants per in-process parser; the whole class stays within a minute or two on a loaded 2-core machine.</summary>
    private const int Mutants = 1500;

    /// <summary>Stops a parser's loop early (fewer mutants, never a failure) so CI time stays bounded on a slow machine.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(40);

    private static readonly FrameFormat Source = new(64, 48, 3, PixelDepth.U8);

    private void Fuzz(string what, int seed, Func<Random, object> mutate, Action<object> parse)
    {
        var rng = new Random(seed);
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        int done = 0, refused = 0;
        for (; done < Mutants && clock.Elapsed < Budget && failures.Count < 5; done++)
        {
            object mutant = mutate(rng);
            var run = Task.Run(() =>
            {
                try { parse(mutant); return null; }
                catch (ConvStreamException) { Interlocked.Increment(ref refused); return null; }
                catch (Exception e) { return e; }
            });
            if (!run.Wait(TimeSpan.FromSeconds(30))) { failures.Add($"hang (30 s) on mutant #{done}: {Show(mutant)}"); break; }
            if (run.Result is Exception e) failures.Add($"{e.GetType().Name}: {e.Message} on mutant #{done}: {Show(mutant)}\n{e.StackTrace}");
        }
        log.WriteLine($"{what}: {done} mutants, {refused} refused with a clear error, {done - refused} accepted, in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, $"{what}: {failures.Count} failure(s) in {done} mutants (seed {seed}):\n{string.Join("\n\n", failures)}");
        Assert.True(done >= 100, $"{what}: only {done} mutants in {Budget.TotalSeconds} s");
    }

    private static string Show(object mutant) => mutant switch
    {
        string s => s.Length > 2000 ? s[..2000] + "…" : s,
        byte[] b => Convert.ToBase64String(b.Length > 1500 ? b[..1500] : b),
        _ => mutant.ToString() ?? "",
    };

    [Fact]
    public void PipelineFiles()
    {
        var seeds = Directory.GetFiles(PipelineMedia.Pipelines, "*.json").Select(File.ReadAllText).ToArray();
        Fuzz("pipeline files", 10, rng => Mutator.Text(seeds[rng.Next(seeds.Length)], rng), m =>
        {
            // Validated, then planned as describe and run do (kernel files resolve beside the shipped pipelines).
            var d = PipelineFile.Parse((string)m, Path.Combine(PipelineMedia.Pipelines, "fuzz.json"), PipelineMedia.Pipelines);
            PipelinePlan.Build(d, Source);
        });
    }

    [Fact]
    public void KernelFiles()
    {
        var seeds = Directory.GetFiles(PipelineMedia.Kernels, "*.json", SearchOption.AllDirectories).Select(File.ReadAllText).ToArray();
        using var work = new TempFolder();
        string path = work.File("k.json");
        Fuzz("kernel files", 11, rng => Mutator.Text(seeds[rng.Next(seeds.Length)], rng), m =>
        {
            // The one parser, from text and from a file, and what every op makes of what it read.
            Stages.KernelFile.Parse((string)m, "k.json");
            File.WriteAllText(path, (string)m);
            var file = Stages.KernelFile.Load(path);
            foreach (string op in new[] { "conv2d", "conv3d" })
                try { file.ToTensors(op); } catch (ConvStreamException) { }
            file.ToKernel(null, 1, 0, null, Engine.Geometry.BorderMode.Reflect);
        });
    }

    [Fact]
    public void NpyHeaders()
    {
        var seeds = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.npy", SearchOption.AllDirectories)
            .Take(40).Select(File.ReadAllBytes).ToArray();
        Assert.NotEmpty(seeds);
        // The header: magic, version, length and the dict text; occasionally the data too.
        Fuzz(".npy headers", 12, rng =>
        {
            var s = seeds[rng.Next(seeds.Length)];
            return rng.Next(5) == 0 ? Mutator.Bytes(s, rng) : Mutator.Header(s, 128, rng);
        }, m => Npy.Parse((byte[])m, "x.npy").ToTensor());
    }

    [Fact]
    public async Task Y4mHeaders()
    {
        // Seeds written by ConvStream's own Y4M writer: colour 4:2:0 and 4:4:4, gray, odd sizes.
        using var work = new TempFolder();
        var seeds = new List<byte[]>();
        foreach (var (w, h, c, chroma) in new[] { (16, 8, 3, Y4mChroma.C420), (15, 7, 3, Y4mChroma.C444), (9, 5, 1, Y4mChroma.C420) })
        {
            string p = work.File($"s{seeds.Count}.y4m");
            await using (var sink = new Y4mSink(p, chroma))
            {
                await sink.OpenAsync(w, h, c, new VideoInfo { Width = w, Height = h, Channels = c }, CancellationToken.None);
                var f = new Frame(w, h, c);
                for (int i = 0; i < 2; i++) { f.Bytes.Fill((byte)(40 * i + 7)); await sink.WriteAsync(f, new FrameStamp(i, TimeSpan.Zero, 0), CancellationToken.None); }
            }
            seeds.Add(File.ReadAllBytes(p));
        }
        string path = work.File("fuzz.y4m");
        Fuzz("Y4M headers", 13, rng =>
        {
            var s = seeds[rng.Next(seeds.Count)];
            return rng.Next(4) == 0 ? Mutator.Bytes(s, rng) : Mutator.Header(s, 64, rng);
        }, m =>
        {
            File.WriteAllBytes(path, (byte[])m);
            var source = Y4mSource.Open(path);
            try
            {
                var frame = new Frame(source.Info.Width, source.Info.Height, source.Info.Channels);
                while (source.ReadAsync(frame, CancellationToken.None).AsTask().GetAwaiter().GetResult() is not null) { }
            }
            finally { source.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        });
    }

    [Fact]
    public void PngsThroughTheFilterCommand()
    {
        // Process runs are slow: a few dozen mutants of the committed PNG fixtures, overlapped.
        var seeds = Directory.GetFiles(Path.Combine(PipelineMedia.RepoRoot, "tests", "ConvStream.Media.Tests", "Fixtures", "png"), "*.png")
            .Where(p => !Path.GetFileName(p).StartsWith("bad_", StringComparison.Ordinal)).Select(File.ReadAllBytes).ToArray();
        Assert.NotEmpty(seeds);
        var rng = new Random(14);
        // Mostly the IHDR chunk and the first bytes of data (the header), sometimes anywhere.
        var mutants = Enumerable.Range(0, 48).Select(i =>
        {
            var s = seeds[rng.Next(seeds.Length)];
            return rng.Next(3) == 0 ? Mutator.Bytes(s, rng) : Mutator.Header(s, 64, rng);
        }).ToArray();
        var runs = new ParallelRuns<int>(Enumerable.Range(0, mutants.Length), (i, work) =>
        {
            File.WriteAllBytes(work.File("in.png"), mutants[i]);
            return ["filter", "in.png", "out.png", "--stage", "gray"];
        });
        var failures = new List<string>();
        for (int i = 0; i < mutants.Length; i++)
        {
            var (work, r) = runs.Get(i);
            using var _ = work;
            bool ok = r.ExitCode is 0 or 1 && (r.ExitCode == 0 || (r.StderrLines.Length == 1 && !File.Exists(work.File("out.png"))))
                && work.Files().All(f => f is "in.png" or "out.png");
            if (!ok) failures.Add($"mutant #{i}: {r}\n{Convert.ToBase64String(mutants[i])}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {mutants.Length} PNG mutants failed:\n{string.Join("\n\n", failures.Take(3))}");
    }
}
