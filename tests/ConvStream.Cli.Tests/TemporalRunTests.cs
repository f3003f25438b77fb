using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;
using ConvStream.Media.Images;

namespace ConvStream.Cli.Tests;

/// <summary>
/// The temporal stages through the real command: the shipped denoise.json and motion.json offline
/// on media/sample.mp4 (every frame, the frame rate and the audio kept) and live from a test
/// source; a centred tmix written as PNGs equals the rule applied here to the frames ffmpeg decodes;
/// describe's time section; a centred stage refused live; a clip shorter than its window.
/// </summary>
public class TemporalRunTests
{
    private static string Sample => Path.Combine(PipelineMedia.RepoRoot, "media", "sample.mp4");

    private static string Centred(string source, string extra = "") => $$"""
        { "source": {{PipelineMedia.Json(source)}},
          "stages": [ { "name": "smooth", "op": "tmix", "input": "source", "weights": "1;2;1", "mode": "centred"{{extra}} } ],
          "outputs": [ { "kind": "images", "stage": "smooth", "path": "frames" } ] }
        """;

    private static readonly ParallelRuns<string> Runs = new(["denoise", "motion", "denoise-live", "motion-live", "centred-png", "centred-live", "short", "describe"], (key, work) =>
    {
        string denoise = Path.Combine(PipelineMedia.Pipelines, "denoise.json"), motion = Path.Combine(PipelineMedia.Pipelines, "motion.json");
        switch (key)
        {
            case "denoise": return ["run", denoise, "--output", "out"];
            case "motion": return ["run", motion, "--output", "out"];
            case "denoise-live": return ["run", denoise, "--live", "--input", "test:160x120@30", "--frames", "30", "--output", "out"];
            case "motion-live": return ["run", motion, "--live", "--input", "test:160x120@30", "--frames", "30", "--output", "out"];
            case "centred-png":
                File.Copy(PipelineMedia.Clip, work.File("clip.mp4"));
                File.WriteAllText(work.File("p.json"), Centred(work.File("clip.mp4")));
                return ["run", "p.json", "--output", "out"];
            case "centred-live":
                File.WriteAllText(work.File("p.json"), Centred("test:160x120@30"));
                return ["run", "p.json", "--live", "--frames", "10", "--output", "out"];
            case "short":
                File.Copy(PipelineMedia.Clip, work.File("clip.mp4"));
                File.WriteAllText(work.File("p.json"), Centred(work.File("clip.mp4")).Replace("1;2;1", "1;1;1;1;1"));
                return ["run", "p.json", "--frames", "2", "--output", "out"];
            default: return ["describe", denoise];
        }
    });

    [Theory]
    [InlineData("denoise", "denoised.mp4", "denoise-mosaic.mp4")]
    [InlineData("motion", "foreground.mp4", "motion-mosaic.mp4")]
    public void Shipped_pipeline_offline_keeps_every_frame_the_rate_and_the_audio(string key, string file, string mosaic)
    {
        var (work, r) = Runs.Get(key);
        using var _ = work;
        Assert.True(r.ExitCode == 0, r.ToString());
        var input = PipelineMedia.Streams(Sample);
        var inVideo = Assert.Single(input, s => s.Type == "video");
        Assert.Equal(120, inVideo.Frames);
        foreach (var name in new[] { file, mosaic })
        {
            var streams = PipelineMedia.Streams(work.File(Path.Combine("out", name)));
            var v = Assert.Single(streams, s => s.Type == "video");
            Assert.True(v.Frames == inVideo.Frames, $"{name}: {v.Frames} frames, the clip has {inVideo.Frames}");
            Assert.Equal(inVideo.Rate, v.Rate);
            Assert.Contains(streams, s => s.Type == "audio");
        }
        Assert.Contains("0 dropped, offline mode", r.Stdout);
    }

    [Theory]
    [InlineData("denoise-live", "denoised.mp4")]
    [InlineData("motion-live", "foreground.mp4")]
    public void Shipped_pipeline_runs_live_from_a_test_source(string key, string file)
    {
        var (work, r) = Runs.Get(key);
        using var _ = work;
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("live mode", r.Stdout);
        var v = PipelineMedia.Video(work.File(Path.Combine("out", file)));
        Assert.InRange(v.Frames, 1, 30); // live: frames may be dropped on a loaded machine, never invented
    }

    [Fact]
    public void Centred_tmix_written_as_png_equals_the_rule_on_the_decoded_frames()
    {
        var (work, r) = Runs.Get("centred-png");
        using var _ = work;
        Assert.True(r.ExitCode == 0, r.ToString());
        int n = PipelineMedia.ClipFrames;
        var frames = new byte[n][];
        for (int k = 0; k < n; k++)
        {
            PipelineMedia.DecodeFrame(work.File("clip.mp4"), k, work.File($"d{k}.png"));
            frames[k] = ImageFile.Read(work.File($"d{k}.png")).ToPacked();
        }
        Assert.Equal(Enumerable.Range(0, n).Select(k => $"{k:D6}.png"), Directory.GetFiles(work.File("out/frames")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        for (int k = 0; k < n; k++)
        {
            byte[] a = frames[Math.Max(k - 1, 0)], b = frames[k], c = frames[Math.Min(k + 1, n - 1)];
            var expected = b.Select((_, i) => (byte)Math.Round((a[i] + 2.0 * b[i] + c[i]) / 4, MidpointRounding.ToEven)).ToArray();
            var got = ImageFile.Read(work.File($"out/frames/{k:D6}.png")).ToPacked();
            Assert.True(expected.AsSpan().SequenceEqual(got), $"frame {k}: (f[k-1] + 2 f[k] + f[k+1]) / 4, ties to even, replicated at the ends");
        }
    }

    [Fact]
    public void Centred_stage_in_a_live_run_is_refused_naming_the_stage_and_the_fix()
    {
        var (work, r) = Runs.Get("centred-live");
        using var _ = work;
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.StderrLines);
        Assert.Contains("stage 'smooth'", line);
        Assert.Contains("use mode=causal", line);
        Assert.False(Directory.Exists(work.File("out/frames")) && Directory.GetFiles(work.File("out/frames")).Length > 0, "no frame written");
    }

    [Fact]
    public void A_clip_shorter_than_the_window_works_and_says_so()
    {
        var (work, r) = Runs.Get("short");
        using var _ = work;
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(2, Directory.GetFiles(work.File("out/frames")).Length);
        Assert.Contains("note: stage 'smooth': the stream had 2 frame(s) in a row, fewer than the 5 of its window; every window was completed by the replicate rule", r.Stdout);
    }

    [Fact]
    public void Describe_shows_the_window_the_delay_and_the_receptive_field_in_time()
    {
        var (work, r) = Runs.Get("describe");
        using var _ = work;
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"temporal\s+5 frames: 2 before, 2 after\s+2 frame\(s\)\s+5 frame\(s\)", r.Stdout);
        Assert.Matches(@"denoised\s+1 frame\s+2 frame\(s\)\s+5 frame\(s\)", r.Stdout);
        Assert.Contains("delay: 2 frame(s) = 66.7 ms at 30 fps behind the source", r.Stdout);
    }
}
