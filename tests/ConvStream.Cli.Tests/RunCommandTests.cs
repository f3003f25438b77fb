using ConvStream.Engine.Imaging;
using ConvStream.Engine.Imaging.Codecs;
using ConvStream.Engine.Io;
using ConvStream.Media.Images;

namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream run</c> offline on a real clip (made by ffmpeg) with four branches written as
/// videos and PNG sequences: nothing lost (frame counts), timing and audio kept, and the branches'
/// pixels equal <c>convstream filter</c> applied to the same decoded frame. Also --frames and the
/// synthetic source.
/// </summary>
public class RunCommandTests
{
    private const string Blur = "gaussian:size=5,sigma=1.5";

    private static string Pipeline() => $$"""
        // Four branches of one decoded frame.
        {
          "source": "clip.mp4",
          "stages": [
            { "name": "blur",   "op": "gaussian",        "input": "source", "size": 5, "sigma": 1.5 },
            { "name": "edges",  "op": "sobel-magnitude", "input": "source" },
            { "name": "sharp",  "op": "conv",            "input": "source", "kernel": {{PipelineMedia.Json(Path.Combine(PipelineMedia.Kernels, "sharpen.json"))}} },
            { "name": "pooled", "op": "maxpool",         "input": "source", "size": 2 },
          ],
          "outputs": [
            { "kind": "file",   "stage": "blur",   "path": "blur.mp4" },
            { "kind": "images", "stage": "blur",   "path": "blur-frames" },
            { "kind": "file",   "stage": "edges",  "path": "edges.mkv" },
            { "kind": "images", "stage": "sharp",  "path": "sharp/s-%03d.png" },
            { "kind": "file",   "stage": "pooled", "path": "pooled.mp4" },
          ],
        }
        """;

    private static readonly ParallelRuns<string> Runs = new(["clip", "frames", "synthetic"], (key, work) =>
    {
        File.Copy(PipelineMedia.Clip, work.File("clip.mp4"));
        File.WriteAllText(work.File("p.json"), Pipeline());
        return key switch
        {
            "clip" => ["run", "p.json", "--output", "out"],
            "frames" => ["run", "p.json", "--output", "out", "--frames", "4"],
            _ => ["run", "p.json", "--output", "out", "--input", "test:160x120@30", "--frames", "15"],
        };
    });

    private static readonly string[] Outputs = ["blur-frames", "blur.mp4", "edges.mkv", "pooled.mp4", "sharp"];

    private static void AssertOutputs(TempFolder work, CommandResult r, int frames, string rate, bool audio)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        string o = work.File("out");
        // Exactly the outputs: no temporary (.partial) file left in the folder.
        Assert.Equal(Outputs, Directory.GetFileSystemEntries(o).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var video in new[] { "blur.mp4", "edges.mkv", "pooled.mp4" })
        {
            var streams = PipelineMedia.Streams(Path.Combine(o, video));
            var v = Assert.Single(streams, s => s.Type == "video");
            Assert.True(frames == v.Frames, $"{video}: {v.Frames} frames, expected {frames}");
            Assert.Equal(rate, v.Rate);
            if (video.EndsWith(".mp4", StringComparison.Ordinal))
                Assert.Equal(audio, streams.Any(s => s.Type == "audio"));
        }
        Assert.Equal(Enumerable.Range(0, frames).Select(k => $"{k:D6}.png"), Directory.GetFiles(Path.Combine(o, "blur-frames")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, frames).Select(k => $"s-{k:D3}.png"), Directory.GetFiles(Path.Combine(o, "sharp")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var stage in new[] { "blur", "edges", "sharp", "pooled" }) Assert.Contains(stage, r.Stdout);
    }

    [Fact]
    public void ClipEveryFrameOnEveryBranchWithTimingAndAudio()
    {
        var (work, r) = Runs.Get("clip");
        using var _ = work;
        var input = PipelineMedia.Streams(work.File("clip.mp4"));
        var inVideo = Assert.Single(input, s => s.Type == "video");
        Assert.Equal(PipelineMedia.ClipFrames, inVideo.Frames);
        Assert.Contains(input, s => s.Type == "audio");
        AssertOutputs(work, r, inVideo.Frames, inVideo.Rate, audio: true);
        // The branches' pixels: the first frame and one from the middle of the clip.
        BranchFramesEqualTheFilterCommandOnTheSameDecodedFrame(work, 0);
        BranchFramesEqualTheFilterCommandOnTheSameDecodedFrame(work, 7);
    }

    private static void BranchFramesEqualTheFilterCommandOnTheSameDecodedFrame(TempFolder work, int k)
    {
        // The pipeline decodes with ffmpeg to bgr24; decode frame k the same way, then filter it alone.
        string frame = work.File($"frame{k}.png");
        PipelineMedia.DecodeFrame(work.File("clip.mp4"), k, frame);
        foreach (var (stage, produced) in new[] { (Blur, $"out/blur-frames/{k:D6}.png"), ($"conv:kernel={Path.Combine(PipelineMedia.Kernels, "sharpen.json")}", $"out/sharp/s-{k:D3}.png") })
        {
            string expected = work.File($"expected{k}-{stage.Length}.png");
            var f = ConvstreamProcess.Run(work.Path, "filter", frame, expected, "--stage", stage);
            Assert.True(f.ExitCode == 0, f.ToString());
            NpyArray want = NpyImage.FromFrame(ImageFile.Read(expected)), got = NpyImage.FromFrame(ImageFile.Read(work.File(produced)));
            Assert.Equal(want.Shape, got.Shape);
            Assert.True(want.Data.AsSpan().SequenceEqual(got.Data), $"{produced} differs from convstream filter --stage {stage} on frame {k}");
        }
    }

    [Fact]
    public void FramesStopsAfterN()
    {
        var (work, r) = Runs.Get("frames");
        using var _ = work;
        AssertOutputs(work, r, 4, PipelineMedia.Video(work.File("clip.mp4")).Rate, audio: true);
    }

    [Fact]
    public void SyntheticSourceNeedsNoFile()
    {
        var (work, r) = Runs.Get("synthetic");
        using var _ = work;
        AssertOutputs(work, r, 15, "30/1", audio: false);
    }
}
