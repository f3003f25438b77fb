using ConvStream.Engine.Imaging;
using ConvStream.Media.Sinks;
using ConvStream.Media.Sources;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Tests;

public sealed class CancellationTests
{
    [Fact]
    public async Task CancellingMidStreamLeavesAPlayableFileAndNoChildProcess()
    {
        string dir = MediaTestKit.NewFolder("cancel");
        string src = MediaTestKit.MakeClip(dir, "src.mp4", 160, 120, 150, 30, audio: true);
        string outPath = Path.Combine(dir, "out.mp4");
        using var cts = new CancellationTokenSource();
        var pids = new List<int>();
        long written = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await using var source = VideoFileSource.Open(src);
            await using var sink = new VideoFileSink(outPath);
            pids.Add(source.ProcessId);
            await sink.OpenAsync(160, 120, 3, source.Info, cts.Token);
            pids.Add(sink.ProcessId!.Value);
            var frame = new Frame(160, 120, 3);
            while (await source.ReadAsync(frame, cts.Token) is FrameStamp s)
            {
                await sink.WriteAsync(frame, s, cts.Token);
                if (++written == 20) cts.Cancel();
            }
        });
        Assert.All(pids, pid => Assert.True(MediaTestKit.IsGone(pid), $"process {pid} is still running"));
        var facts = MediaTestKit.Probe(outPath);
        var v = facts.Single(f => f.CodecType == "video");
        Assert.Equal(20, v.Frames);
        // The audio was copied and trimmed to the 20 frames written (0.67 s), not the source's 5 s.
        Assert.Contains(facts, f => f.CodecType == "audio");
        string duration = MediaTestKit.Run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", outPath).Trim();
        Assert.InRange(double.Parse(duration, System.Globalization.CultureInfo.InvariantCulture), 0.6, 0.9);
    }

    [Fact]
    public async Task AConsumerThatThrowsLeavesNoChildProcess()
    {
        var pids = new List<int>();
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var file = (FfmpegPipeSource)TestSource.Open(new TestSourceOptions { Width = 64, Height = 48 });
            await using var live = (LiveFfmpegSource)TestSource.Open(new TestSourceOptions { Width = 64, Height = 48, Live = true });
            pids.Add(file.ProcessId);
            pids.Add(live.ProcessId);
            var frame = new Frame(64, 48, 3);
            await file.ReadAsync(frame, CancellationToken.None);
            await live.ReadAsync(frame, CancellationToken.None);
            throw new InvalidOperationException("a stage failed");
        });
        Assert.All(pids, pid => Assert.True(MediaTestKit.IsGone(pid), $"process {pid} is still running"));
    }

    [Fact]
    public async Task CancellingABlockedReadReturnsPromptly()
    {
        // An endless, unpaced source that is never read to the end: cancel mid-read, dispose, nothing left.
        var source = (FfmpegPipeSource)TestSource.Open(new TestSourceOptions { Width = 640, Height = 360 });
        int pid = source.ProcessId;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var frame = new Frame(640, 360, 3);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (true) await source.ReadAsync(frame, cts.Token);
        });
        await source.DisposeAsync();
        Assert.True(MediaTestKit.IsGone(pid));
    }
}
