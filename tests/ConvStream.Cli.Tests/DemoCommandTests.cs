namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream demo</c> (what <c>./run.sh demo</c> runs): demo.json on media/sample.mp4, here
/// for 10 frames into a temporary folder: every branch's video exists with those 10 frames, and
/// the summary lists every stage.
/// </summary>
public class DemoCommandTests
{
    [Fact]
    public void RunsDemoJsonOnTheSampleClip()
    {
        using var work = new TempFolder();
        var r = ConvstreamProcess.Run(work.Path, "demo", "--frames", "10", "--output", work.File("out"));
        Assert.True(r.ExitCode == 0, r.ToString());
        // ffmpeg and the sample clip are present here: demo must not fall back to the synthetic pattern.
        Assert.DoesNotContain("synthetic", r.Stderr);
        string[] videos = ["blur.mp4", "edges.mp4", "emboss.mp4", "pooled.mp4"];
        Assert.Equal(videos, Directory.GetFiles(work.File("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var sampleRate = PipelineMedia.Video(Path.Combine(PipelineMedia.RepoRoot, "media", "sample.mp4")).Rate;
        foreach (var v in videos)
        {
            var video = PipelineMedia.Video(work.File($"out/{v}"));
            Assert.Equal(10, video.Frames);
            Assert.Equal(sampleRate, video.Rate);
        }
        var summary = r.Stdout.Split('\n');
        foreach (var stage in new[] { "blur", "edges", "emboss", "pooled" })
            Assert.Contains(summary, line => line.StartsWith(stage + " ", StringComparison.Ordinal) && line.Contains(" 10 ", StringComparison.Ordinal));
        foreach (var v in videos) Assert.Contains($"wrote {Path.Combine(work.File("out"), v)}", r.Stdout);
    }
}
