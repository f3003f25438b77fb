using System.Globalization;
using System.Text.RegularExpressions;

namespace ConvStream.Cli.Tests.Faults;

/// <summary>
/// Signals during <c>convstream run</c> (Linux, real signals, real ffmpeg): SIGINT (Ctrl+C),
/// SIGTERM (<c>timeout</c>, systemd, <c>docker stop</c>) and SIGHUP (a closed terminal) all stop
/// reading, drain the frames in flight, close every output properly (every frame the summary
/// counts is in the file) and exit 128 + the signal; to convstream alone or to its whole process
/// group (a terminal's Ctrl+C, <c>kill -- -PGID</c>), whose ffmpeg children must not die first.
/// A second signal stops faster and still leaves no partial file under any name; a run killed
/// outright (SIGKILL) leaves hidden partials that the next run in the folder removes and names.
/// </summary>
public class SignalTests
{
    private const string Pipeline = """
        { "source": "testsrc2:320x240@30",
          "stages": [ { "name": "blur", "op": "gaussian", "input": "source", "size": 5, "sigma": 0 } ],
          "outputs": [ { "kind": "file", "stage": "blur", "path": "blur.mp4" },
                       { "kind": "file", "stage": "source", "path": "source.mkv" } ] }
        """;

    private static readonly string[] Outputs = ["blur.mp4", "source.mkv"];

    [Theory]
    [InlineData("INT", false, 130)]
    [InlineData("INT", true, 130)]
    [InlineData("TERM", false, 143)]
    [InlineData("TERM", true, 143)]
    [InlineData("HUP", true, 129)]
    public async Task ASignalDrainsClosesEveryFileAndLeavesNoChild(string signal, bool wholeGroup, int exitCode)
    {
        if (!OperatingSystem.IsLinux()) return; // signals and /proc: Linux only
        using var work = new TempFolder();
        File.WriteAllText(work.File("c.json"), Pipeline);
        await using var run = LongRun.Start(work.Path, "run", "c.json", "--output", "out", "--frames", "100000");
        await run.WaitForFrames(30);
        var children = run.Children();
        Assert.Equal(3, children.Length); // the lavfi decoder and two encoders
        // The tag finds them (and the run itself), so an empty list of leftovers below means something.
        Assert.Subset(run.Tag.Alive().ToHashSet(), children.Append(run.Id).ToHashSet());
        run.Signal(signal, wholeGroup);
        var r = await run.Exit();

        Assert.True(r.ExitCode == exitCode, r.ToString());
        Assert.Contains($"SIG{signal}: stopping", r.Stderr);
        Assert.Contains("interrupted", r.Stdout);
        AssertEveryOutputWhole(work, r, Outputs);
        Assert.Empty(await run.Leftovers());
    }

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task ASecondSignalStopsAtOnceAndLeavesNoPartialFile(string signal, int exitCode)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var work = new TempFolder();
        File.WriteAllText(work.File("c.json"), Pipeline);
        await using var run = LongRun.Start(work.Path, "run", "c.json", "--output", "out", "--frames", "100000");
        await run.WaitForFrames(30);
        run.Signal(signal);
        // Two signals sent back to back can reach the process as one (a pending standard signal is
        // not queued twice; a clean-clone CI run saw it): send the second once the first was handled.
        for (var waited = System.Diagnostics.Stopwatch.StartNew();
             !run.Stderr.Contains("stopping: finishing the frames in flight", StringComparison.Ordinal) && !run.HasExited && waited.Elapsed < TimeSpan.FromSeconds(30);)
            await Task.Delay(20);
        run.Signal(signal);
        var r = await run.Exit();

        Assert.True(r.ExitCode == exitCode, r.ToString());
        Assert.Contains($"second signal (SIG{signal}): stopping now", r.Stderr);
        // The frames still queued were dropped, not lost from a file: each output that exists holds
        // exactly the frames the summary says it wrote; nothing else is in the folder.
        AssertEveryOutputWhole(work, r, Outputs);
        Assert.Empty(await run.Leftovers());
    }

    [Fact]
    public async Task TheRunAfterAKilledOneRemovesItsPartialsAndSaysSo()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var work = new TempFolder();
        File.WriteAllText(work.File("c.json"), Pipeline);
        int killed;
        await using (var run = LongRun.Start(work.Path, "run", "c.json", "--output", "out", "--frames", "100000"))
        {
            await run.WaitForFrames(30);
            killed = run.Id;
            run.Signal("KILL");
            var r = await run.Exit();
            Assert.Equal(137, r.ExitCode);
            // Orphaned (adopted by init), the children still end by themselves (the decoder's pipe breaks, the encoders read end of input).
            Assert.Empty(await run.Leftovers(60));
        }
        var partials = Directory.GetFiles(work.File("out")).Select(f => Path.GetFileName(f)!).ToArray();
        Assert.Equal(2, partials.Length);
        Assert.All(partials, p => Assert.Matches($@"^\.(blur|source)\.{killed}\.[0-9a-f]{{32}}\.partial\.(mp4|mkv)$", p));

        var tag = new RunTag();
        var next = ConvstreamProcess.Run(work.Path, tag.Environment, "run", "c.json", "--output", "out", "--frames", "5");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Empty(await tag.Leftovers());
        foreach (string p in partials)
            Assert.Contains($"{work.File("out/" + p)}: removed an unfinished output left by a run that was killed (process {killed} no longer runs)", next.Stderr);
        Assert.Equal(Outputs, Directory.GetFiles(work.File("out")).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
        Assert.Equal(5, PipelineMedia.Video(work.File("out/blur.mp4")).Frames);
    }

    [Fact]
    public void PartialsOfARunningProcessAndOtherHiddenFilesAreLeftAlone()
    {
        using var work = new TempFolder();
        string outDir = work.File("out");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(work.File("c.json"), Pipeline.Replace("testsrc2:320x240@30", "test:64x48@30"));
        // pid 1 always runs; a made-up dead pid (beyond pid_max) is certainly not running.
        string live = $".blur.1.{Guid.NewGuid():N}.partial.mp4", dead = $".blur.{int.MaxValue}.{Guid.NewGuid():N}.partial.mp4";
        string deadTmp = $".frame.png.{int.MaxValue}.{Guid.NewGuid():N}.tmp";
        foreach (var name in new[] { live, dead, deadTmp, ".hidden-notes.txt" }) File.WriteAllText(Path.Combine(outDir, name), "x");
        var r = ConvstreamProcess.Run(work.Path, "run", "c.json", "--output", "out", "--frames", "3");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"{dead}: removed an unfinished output", r.Stderr);
        Assert.Contains($"{deadTmp}: removed an unfinished output", r.Stderr);
        Assert.Equal(new[] { ".hidden-notes.txt", live, "blur.mp4", "source.mkv" }.Order(StringComparer.Ordinal),
            Directory.GetFiles(outDir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
    }

    /// <summary>Exactly the named outputs are in out/ (no hidden partial), each holding the frames the summary says it wrote.</summary>
    internal static void AssertEveryOutputWhole(TempFolder work, CommandResult r, string[] outputs)
    {
        string outDir = work.File("out");
        var files = Directory.Exists(outDir) ? Directory.GetFiles(outDir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray() : [];
        Assert.True(files.All(f => outputs.Contains(f)), $"unexpected files {string.Join(", ", files)}\n{r}");
        foreach (string name in files)
        {
            var m = Regex.Match(r.Stdout, $@"→ {Regex.Escape(name)}\s+file\s+(\d+)\s+(\d+)");
            Assert.True(m.Success, r.ToString());
            int written = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            Assert.True(written >= 1, r.ToString());
            Assert.Equal(written, PipelineMedia.Video(Path.Combine(outDir, name!)).Frames);
        }
    }
}
