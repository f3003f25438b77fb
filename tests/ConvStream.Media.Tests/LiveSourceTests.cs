using System.Diagnostics;
using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Sources;
using Xunit.Abstractions;

namespace ConvStream.Media.Tests;

public sealed class LiveSourceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PacedTestSourceHandsOutTheNewestFrameAndCountsDrops()
    {
        await using var source = (LiveFfmpegSource)TestSource.Open(new TestSourceOptions { Width = 160, Height = 120, RateNumerator = 30, Live = true });
        Assert.True(source.Info.IsLive);
        var frame = new Frame(160, 120, 3);
        var first = await source.ReadAsync(frame, CancellationToken.None);
        Assert.NotNull(first);
        long previous = first.Value.Index;
        var gaps = new List<long>();
        for (int i = 0; i < 3; i++)
        {
            // A consumer much slower than the 30 fps camera.
            await Task.Delay(400);
            var stamp = await source.ReadAsync(frame, CancellationToken.None);
            Assert.NotNull(stamp);
            long now = Stopwatch.GetTimestamp();
            double ageMs = Stopwatch.GetElapsedTime(stamp.Value.CaptureTimestamp, now).TotalMilliseconds;
            gaps.Add(stamp.Value.Index - previous);
            output.WriteLine($"frame {stamp.Value.Index} (gap {stamp.Value.Index - previous}) age {ageMs:0} ms, dropped so far {source.DroppedFrames}");
            previous = stamp.Value.Index;
            // Newest-frame semantics: what we get was captured just now, not 400 ms ago.
            Assert.True(ageMs < 250, $"frame is {ageMs:0} ms old: a stale buffered frame was handed out");
        }
        // Real-time pacing: ~12 frames arrive in 400 ms; all but the newest were dropped and counted.
        Assert.All(gaps, g => Assert.True(g >= 4, $"gap {g}: frames were queued instead of dropped"));
        Assert.True(source.DroppedFrames >= gaps.Sum(g => g - 1) - 1, $"dropped {source.DroppedFrames} but the index gaps say {gaps.Sum(g => g - 1)}");
        Assert.True(source.DroppedFrames > 0);
    }

    [Fact]
    public async Task LiveSourceWhoseProcessDiesEndsWithAClearError()
    {
        // A camera unplugged mid-stream looks like this to us: ffmpeg dies and the pipe closes.
        var source = (LiveFfmpegSource)TestSource.Open(new TestSourceOptions { Width = 160, Height = 120, Live = true });
        await using var _ = source;
        var frame = new Frame(160, 120, 3);
        Assert.NotNull(await source.ReadAsync(frame, CancellationToken.None));
        Process.GetProcessById(source.ProcessId).Kill();
        var e = await Assert.ThrowsAsync<ConvStreamException>(async () =>
        {
            for (int i = 0; i < 100; i++) await source.ReadAsync(frame, CancellationToken.None);
        });
        output.WriteLine(e.Message);
        Assert.Contains("stopped delivering frames", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(MediaTestKit.IsGone(source.ProcessId));
    }

    [Fact]
    public async Task UnpacedTestSourceDeliversEveryFrameInOrder()
    {
        await using var source = TestSource.Open(new TestSourceOptions { Width = 96, Height = 64, FrameCount = 10 });
        var frame = new Frame(96, 64, 3);
        var indices = new List<long>();
        while (await source.ReadAsync(frame, CancellationToken.None) is { } s) indices.Add(s.Index);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), indices);
        // The same frames ffmpeg itself produces for this graph.
        var reference = MediaTestKit.DecodeWithFfmpeg("testsrc2=size=96x64:rate=30", 96, 64, "bgr24", 3, "-f", "lavfi", "-t", "0.3");
        await using var again = TestSource.Open(new TestSourceOptions { Width = 96, Height = 64, FrameCount = 9 });
        var mine = await MediaTestKit.ReadAll(again);
        Assert.Equal(9, reference.Count);
        for (int i = 0; i < 9; i++) Assert.True(reference[i].AsSpan().SequenceEqual(mine[i]), $"frame {i} differs from ffmpeg's");
    }
}
