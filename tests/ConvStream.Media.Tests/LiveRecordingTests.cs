using ConvStream.Engine.Imaging;
using ConvStream.Media.Sinks;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Tests;

/// <summary>
/// A live recording lasts as long as the run: where dropped frames leave gaps in the presentation
/// times, the previous frame is repeated (constant frame rate). Lossless FFV1, so the decoded
/// frames can be compared byte for byte.
/// </summary>
public class LiveRecordingTests
{
    private static Frame Solid(int w, int h, byte value)
    {
        var f = new Frame(w, h, 3);
        f.Bytes.Fill(value);
        return f;
    }

    [Theory]
    [InlineData(64, 48)]   // rows packed (64·3 bytes is a multiple of 64): written from the frame itself
    [InlineData(50, 30)]   // padded rows: written from the packed copy
    public async Task GapsInALiveStreamAreFilledWithThePreviousFrame(int w, int h)
    {
        string dir = MediaTestKit.NewFolder("live-gaps");
        string path = Path.Combine(dir, "live.mkv");
        var info = new VideoInfo { Width = w, Height = h, Channels = 3, FrameRateNumerator = 30, FrameRateDenominator = 1, IsLive = true };
        // Captured frames 3..9 (the first ones and 5–7 were dropped upstream): values 10·index.
        long[] delivered = [3, 4, 8, 9];
        await using (var sink = new VideoFileSink(path))
        {
            await sink.OpenAsync(w, h, 3, info, CancellationToken.None);
            foreach (long i in delivered)
                await sink.WriteAsync(Solid(w, h, (byte)(10 * i)), new FrameStamp(i, TimeSpan.FromSeconds(i / 30.0), 0), CancellationToken.None);
            await sink.CompleteAsync(CancellationToken.None);
            Assert.Equal(10, sink.FramesWritten);
            Assert.Equal(6, sink.FramesRepeated);
        }
        var frames = MediaTestKit.DecodeWithFfmpeg(path, w, h);
        // The recording starts when the run did (slots 0–2 show the first frame that got through)
        // and holds frame 4 over the gap: 3 3 3 3 4 4 4 4 8 9.
        Assert.Equal(new byte[] { 30, 30, 30, 30, 40, 40, 40, 40, 80, 90 }, frames.Select(f => f[0]).ToArray());
        Assert.All(frames, f => Assert.All(f, b => Assert.Equal(f[0], b)));
    }

    [Fact]
    public async Task AnOfflineStreamIsWrittenAsIs()
    {
        string dir = MediaTestKit.NewFolder("offline-no-fill");
        string path = Path.Combine(dir, "offline.mkv");
        var info = new VideoInfo { Width = 64, Height = 48, Channels = 3 };
        await using (var sink = new VideoFileSink(path))
        {
            await sink.OpenAsync(64, 48, 3, info, CancellationToken.None);
            foreach (long i in new long[] { 0, 5 })
                await sink.WriteAsync(Solid(64, 48, (byte)i), new FrameStamp(i, TimeSpan.FromSeconds(i / 30.0), 0), CancellationToken.None);
            await sink.CompleteAsync(CancellationToken.None);
            Assert.Equal(0, sink.FramesRepeated);
        }
        Assert.Equal(2, MediaTestKit.DecodeWithFfmpeg(path, 64, 48).Count);
    }
}
