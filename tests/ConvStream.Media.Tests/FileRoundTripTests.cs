using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Sinks;
using ConvStream.Media.Sources;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Tests;

public sealed class FileRoundTripTests
{
    private static async Task<long> Copy(IVideoSource source, IVideoSink sink)
    {
        var info = source.Info;
        await sink.OpenAsync(info.Width, info.Height, info.Channels, info, CancellationToken.None);
        var frame = new Frame(info.Width, info.Height, info.Channels);
        long n = 0;
        while (await source.ReadAsync(frame, CancellationToken.None) is FrameStamp stamp)
        {
            await sink.WriteAsync(frame, stamp, CancellationToken.None);
            n++;
        }
        await sink.CompleteAsync(CancellationToken.None);
        return n;
    }

    [Theory]
    [InlineData(160, 120, 3)]
    [InlineData(321, 241, 3)]  // odd size: rows padded in memory, ffv1/bgr0 needs no even size
    [InlineData(160, 120, 1)]
    public async Task Ffv1RoundTripIsBitExactFrameByFrame(int width, int height, int channels)
    {
        string dir = MediaTestKit.NewFolder("ffv1");
        // Lossless source so the reference frames are exact too.
        string src = MediaTestKit.MakeClip(dir, "src.mkv", width, height, 12, 25, false, "-c:v", "ffv1");
        var reference = MediaTestKit.DecodeWithFfmpeg(src, width, height);
        Assert.Equal(12, reference.Count);

        string outPath = Path.Combine(dir, "out.mkv");
        await using (var source = VideoFileSource.Open(src, new FileSourceOptions { Channels = channels }))
        await using (var sink = new VideoFileSink(outPath))
        {
            Assert.Equal((width, height, 25, 1), (source.Info.Width, source.Info.Height, source.Info.FrameRateNumerator, source.Info.FrameRateDenominator));
            Assert.Equal(12, await Copy(source, sink));
        }
        Assert.Empty(Directory.GetFiles(dir, ".*partial*"));

        await using var back = VideoFileSource.Open(outPath, new FileSourceOptions { Channels = channels });
        var frames = await MediaTestKit.ReadAll(back);
        Assert.Equal(12, frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            byte[] expected = reference[i];
            if (channels == 1)
            {
                // Gray is OpenCV's formula applied to the BGR reference.
                var g = new byte[width * height];
                for (int y = 0; y < height; y++) Color.GrayFromBgr.Row(expected.AsSpan(y * width * 3, width * 3), g.AsSpan(y * width, width));
                expected = g;
            }
            Assert.True(expected.AsSpan().SequenceEqual(frames[i]), $"frame {i} differs after the lossless round trip");
        }
        var facts = MediaTestKit.Probe(outPath).Single();
        Assert.Equal(("ffv1", width, height, "25/1", 12L), (facts.Codec, facts.Width, facts.Height, facts.RFrameRate, facts.Frames));
    }

    [Fact]
    public async Task LossyEncodeKeepsFrameCountSizeRateAndAudio()
    {
        string dir = MediaTestKit.NewFolder("h264");
        string src = MediaTestKit.MakeClip(dir, "src.mp4", 160, 120, 45, 30, audio: true);
        string outPath = Path.Combine(dir, "out.mp4");
        await using (var source = VideoFileSource.Open(src))
        await using (var sink = new VideoFileSink(outPath, new VideoFileSinkOptions { Crf = 23 }))
        {
            Assert.True(source.Info.HasAudio);
            Assert.Equal(45, source.Info.FrameCount);
            Assert.Equal(45, await Copy(source, sink));
        }
        var facts = MediaTestKit.Probe(outPath);
        var v = facts.Single(f => f.CodecType == "video");
        Assert.Equal(("h264", 160, 120, "30/1", 45L), (v.Codec, v.Width, v.Height, v.RFrameRate, v.Frames));
        var a = facts.Single(f => f.CodecType == "audio");
        Assert.Equal("aac", a.Codec);
        Assert.True(a.Frames > 0);

        // The picture survives the lossy encode closely (CRF 23 on a test pattern).
        var original = MediaTestKit.DecodeWithFfmpeg(src, 160, 120);
        var encoded = MediaTestKit.DecodeWithFfmpeg(outPath, 160, 120);
        var (_, mean) = MediaTestKit.Diff(original[20], encoded[20]);
        Assert.True(mean < 6, $"mean absolute difference {mean:0.00} after H.264 is too large");
    }

    [Fact]
    public async Task OddSizeToH264IsPaddedAndSaysSo_Yuv444KeepsTheSize()
    {
        string dir = MediaTestKit.NewFolder("odd");
        string src = MediaTestKit.MakeClip(dir, "src.mkv", 321, 241, 5, 30, false, "-c:v", "ffv1");
        var notes = new List<string>();
        string padded = Path.Combine(dir, "padded.mp4"), full = Path.Combine(dir, "444.mp4");
        await using (var source = VideoFileSource.Open(src))
        await using (var sink = new VideoFileSink(padded, new VideoFileSinkOptions { Log = notes.Add }))
            Assert.Equal(5, await Copy(source, sink));
        Assert.Contains(notes, n => n.Contains("padded to 322x242"));
        var p = MediaTestKit.Probe(padded).Single();
        Assert.Equal((322, 242, 5L), (p.Width, p.Height, p.Frames));

        await using (var source = VideoFileSource.Open(src))
        await using (var sink = new VideoFileSink(full, new VideoFileSinkOptions { PixelFormat = "yuv444p" }))
            Assert.Equal(5, await Copy(source, sink));
        var q = MediaTestKit.Probe(full).Single();
        Assert.Equal((321, 241, 5L), (q.Width, q.Height, q.Frames));
    }
}
