using ConvStream.Engine.Imaging;
using ConvStream.Media.Images;
using ConvStream.Media.Sinks;
using ConvStream.Media.Y4m;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Tests;

/// <summary>
/// A live recording lasts as long as the run: where dropped frames leave gaps in the presentation
/// times, the previous frame is repeated (constant frame rate). Video files (lossless FFV1), Y4M
/// files and image sequences alike, each read back and compared byte for byte.
/// </summary>
public class LiveRecordingTests
{
    private static Frame Solid(int w, int h, byte value, int channels = 3)
    {
        var f = new Frame(w, h, channels);
        f.Bytes.Fill(value);
        return f;
    }

    /// <summary>Captured frames 3..9 of a 30 fps camera, of which the first ones and 5–7 were dropped upstream.</summary>
    private static readonly long[] Delivered = [3, 4, 8, 9];

    /// <summary>
    /// The recording starts when the run did (slots 0–2 show the first frame that got through) and
    /// holds frame 4 over the gap: 3 3 3 3 4 4 4 4 8 9, each frame filled with 10 · its index.
    /// </summary>
    private static readonly byte[] Filled = [30, 30, 30, 30, 40, 40, 40, 40, 80, 90];

    private static readonly VideoInfo Live30 = new() { Width = 40, Height = 30, Channels = 1, FrameRateNumerator = 30, FrameRateDenominator = 1, IsLive = true };

    private static async Task WriteDelivered(IVideoSink sink, VideoInfo info, int channels, long[] delivered)
    {
        await sink.OpenAsync(info.Width, info.Height, channels, info, CancellationToken.None);
        foreach (long i in delivered)
            await sink.WriteAsync(Solid(info.Width, info.Height, (byte)(10 * i), channels), new FrameStamp(i, TimeSpan.FromSeconds(i / 30.0), 0), CancellationToken.None);
        await sink.CompleteAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(1)] // Cmono: exact
    [InlineData(3)] // BGR as BT.601 4:2:0: a solid gray comes back within 1 of its value
    public async Task GapsInALiveY4mAreFilledWithThePreviousFrame(int channels)
    {
        string path = Path.Combine(MediaTestKit.NewFolder("live-gaps-y4m"), "live.y4m");
        var sink = new Y4mSink(path);
        await WriteDelivered(sink, Live30 with { Channels = channels }, channels, Delivered);
        Assert.Equal((10L, 6L), (sink.FramesWritten, sink.FramesRepeated));
        await using var back = Y4mSource.Open(path, channels);
        Assert.Equal((30, 1), (back.Info.FrameRateNumerator, back.Info.FrameRateDenominator));
        var frames = await MediaTestKit.ReadAll(back);
        Assert.Equal(10, frames.Count);
        for (int n = 0; n < 10; n++)
        {
            Assert.All(frames[n], b => Assert.Equal(frames[n][0], b));
            Assert.InRange(frames[n][0] - Filled[n], channels == 1 ? 0 : -1, channels == 1 ? 0 : 1);
            // A repeat is the same bytes as the frame it repeats.
            if (n > 0 && Filled[n] == Filled[n - 1]) Assert.Equal(frames[n - 1], frames[n]);
        }
    }

    [Fact]
    public async Task GapsInALiveImageSequenceAreCopiesOfThePreviousImage()
    {
        string dir = MediaTestKit.NewFolder("live-gaps-png");
        var sink = new ImageSequenceSink(Path.Combine(dir, "f%03d.png"));
        await WriteDelivered(sink, Live30, 1, Delivered);
        Assert.Equal((10L, 6L), (sink.FramesWritten, sink.FramesRepeated));
        // One image per slot, nothing else (no temporary left), file n the picture at n / 30 s.
        Assert.Equal(Enumerable.Range(0, 10).Select(n => $"f{n:000}.png"), Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
        for (int n = 0; n < 10; n++)
        {
            var image = ImageFile.Read(Path.Combine(dir, $"f{n:000}.png"));
            Assert.Equal((40, 30, 1), (image.Width, image.Height, image.Channels));
            Assert.All(image.ToPacked(), b => Assert.Equal(Filled[n], b));
        }
    }

    [Fact]
    public async Task OfflineY4mAndImageSequencesAreWrittenAsIs()
    {
        string dir = MediaTestKit.NewFolder("offline-no-fill-y4m");
        var offline = Live30 with { IsLive = false };
        var y4m = new Y4mSink(Path.Combine(dir, "o.y4m"));
        await WriteDelivered(y4m, offline, 1, [0, 5]);
        var images = new ImageSequenceSink(Path.Combine(dir, "i%02d.png"));
        await WriteDelivered(images, offline, 1, [0, 5]);
        Assert.Equal((2L, 0L, 2L, 0L), (y4m.FramesWritten, y4m.FramesRepeated, images.FramesWritten, images.FramesRepeated));
        await using var back = Y4mSource.Open(Path.Combine(dir, "o.y4m"), 1);
        Assert.Equal(2, (await MediaTestKit.ReadAll(back)).Count);
        Assert.Equal(["i00.png", "i01.png", "o.y4m"], Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
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
