using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Y4m;
using ConvStream.Pipeline.Video;
using Xunit.Abstractions;

namespace ConvStream.Media.Tests;

public sealed class Y4mTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("yuv420p", "420jpeg", 1.0)]
    [InlineData("yuv422p", "422", 1.0)]
    [InlineData("yuv444p", "444", 0.6)]
    public async Task NativeReaderMatchesFfmpegsConversion(string pixFmt, string tag, double meanLimit)
    {
        string dir = MediaTestKit.NewFolder("y4m-read");
        string path = MediaTestKit.MakeClip(dir, "in.y4m", 96, 64, 4, 25, false, "-pix_fmt", pixFmt);
        Assert.Contains($"C{tag}", File.ReadAllText(path)[..80]);
        var reference = MediaTestKit.DecodeWithFfmpeg(path, 96, 64);
        await using var source = Y4mSource.Open(path);
        Assert.Equal((96, 64, 25, 1, 4L), (source.Info.Width, source.Info.Height, source.Info.FrameRateNumerator, source.Info.FrameRateDenominator, source.Info.FrameCount!.Value));
        var mine = await MediaTestKit.ReadAll(source);
        Assert.Equal(4, mine.Count);
        for (int i = 0; i < 4; i++)
        {
            var (max, mean) = MediaTestKit.Diff(reference[i], mine[i]);
            output.WriteLine($"{pixFmt} frame {i}: max {max}, mean {mean:0.000}");
            // ffmpeg's swscale rounds its own way (and interpolates chroma in places): within 1 level on average.
            Assert.True(mean <= meanLimit && max <= 40, $"frame {i}: max {max} mean {mean:0.000} from ffmpeg's BGR");
        }
    }

    [Fact]
    public async Task MonoIsExactBothWays()
    {
        string dir = MediaTestKit.NewFolder("y4m-mono");
        string path = MediaTestKit.MakeClip(dir, "in.y4m", 50, 30, 3, 30, false, "-pix_fmt", "gray");
        Assert.Contains("Cmono", File.ReadAllText(path)[..80]);
        var reference = MediaTestKit.DecodeWithFfmpeg(path, 50, 30, "gray", 1);
        await using (var source = Y4mSource.Open(path, channels: 1))
        {
            var mine = await MediaTestKit.ReadAll(source);
            for (int i = 0; i < 3; i++) Assert.True(reference[i].AsSpan().SequenceEqual(mine[i]), $"frame {i}");
        }
        // Written back natively, ffmpeg reads the very same gray samples.
        string back = Path.Combine(dir, "back.y4m");
        await using (var sink = new Y4mSink(back))
        {
            await sink.OpenAsync(50, 30, 1, new VideoInfo { Width = 50, Height = 30, Channels = 1, FrameRateNumerator = 30 }, CancellationToken.None);
            for (int i = 0; i < 3; i++) await sink.WriteAsync(MediaTestKit.FrameFrom(reference[i], 50, 30, 1), new FrameStamp(i, TimeSpan.Zero, 0), CancellationToken.None);
        }
        var again = MediaTestKit.DecodeWithFfmpeg(back, 50, 30, "gray", 1);
        Assert.Equal(3, again.Count);
        for (int i = 0; i < 3; i++) Assert.True(reference[i].AsSpan().SequenceEqual(again[i]), $"frame {i} after writing");
    }

    [Theory]
    [InlineData(Y4mChroma.C444, 96, 64, false, 1.2, 1.2, 1)]
    [InlineData(Y4mChroma.C420, 96, 64, false, 1.5, 2.0, 40)]
    // Odd size: chroma planes round up. Smooth content, so 4:2:0 itself loses little and a
    // misplaced edge column or row would show.
    // Blue rises 6 levels a pixel, so replicated chroma is off by ~3 within a block: max 8 allowed.
    [InlineData(Y4mChroma.C420, 33, 17, true, 3.0, 2.5, 8)]
    public async Task NativeWriterIsReadByFfmpegAndRoundTripsNatively(Y4mChroma chroma, int w, int h, bool smooth, double meanLimit, double meanLimitFfmpeg, int maxLimit)
    {
        string dir = MediaTestKit.NewFolder("y4m-write");
        List<byte[]> frames;
        if (smooth)
            frames = Enumerable.Range(0, 3).Select(f => Enumerable.Range(0, w * h * 3).Select(i =>
            {
                int x = i / 3 % w, y = i / 3 / w, c = i % 3;
                return (byte)(c == 0 ? 20 + 6 * x + f : c == 1 ? 30 + 11 * y : 40 + 3 * (x + y));
            }).ToArray()).ToList();
        else
            frames = MediaTestKit.DecodeWithFfmpeg(MediaTestKit.MakeClip(dir, "src.mkv", w, h, 3, 30, false, "-c:v", "ffv1"), w, h);
        string path = Path.Combine(dir, "out.y4m");
        await using (var sink = new Y4mSink(path, chroma))
        {
            await sink.OpenAsync(w, h, 3, new VideoInfo { Width = w, Height = h, Channels = 3, FrameRateNumerator = 30000, FrameRateDenominator = 1001 }, CancellationToken.None);
            for (int i = 0; i < frames.Count; i++) await sink.WriteAsync(MediaTestKit.FrameFrom(frames[i], w, h, 3), new FrameStamp(i, TimeSpan.Zero, 0), CancellationToken.None);
        }
        var facts = MediaTestKit.Probe(path).Single();
        Assert.Equal((w, h, "30000/1001", 3L), (facts.Width, facts.Height, facts.RFrameRate, facts.Frames));

        var byFfmpeg = MediaTestKit.DecodeWithFfmpeg(path, w, h);
        await using var source = Y4mSource.Open(path);
        var native = await MediaTestKit.ReadAll(source);
        for (int i = 0; i < 3; i++)
        {
            var (maxN, meanN) = MediaTestKit.Diff(frames[i], native[i]);
            var (maxF, meanF) = MediaTestKit.Diff(frames[i], byFfmpeg[i]);
            output.WriteLine($"{chroma} {w}x{h} frame {i}: native max {maxN} mean {meanN:0.000}; ffmpeg max {maxF} mean {meanF:0.000}");
            // 4:4:4 loses only the limited-range quantisation; 4:2:0 also loses chroma detail at edges.
            Assert.True(meanN <= meanLimit && maxN <= maxLimit, $"native round trip: max {maxN} mean {meanN:0.000}");
            Assert.True(meanF <= meanLimitFfmpeg, $"ffmpeg reading our file: mean {meanF:0.000}");
        }
    }

    [Fact]
    public async Task DamagedFilesGiveClearErrors()
    {
        string dir = MediaTestKit.NewFolder("y4m-bad");
        string notY4m = Path.Combine(dir, "a.y4m");
        File.WriteAllText(notY4m, "hello\n");
        Assert.Contains("not a Y4M file", Assert.Throws<ConvStreamException>(() => Y4mSource.Open(notY4m)).Message);

        string tenBit = Path.Combine(dir, "b.y4m");
        File.WriteAllText(tenBit, "YUV4MPEG2 W4 H4 F25:1 C420p10\n");
        Assert.Contains("C420p10 is not supported", Assert.Throws<ConvStreamException>(() => Y4mSource.Open(tenBit)).Message);

        string good = MediaTestKit.MakeClip(dir, "c.y4m", 32, 16, 3, 25, false, "-pix_fmt", "yuv420p");
        var bytes = File.ReadAllBytes(good);
        string cut = Path.Combine(dir, "cut.y4m");
        File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length - 100).ToArray());
        await using var source = Y4mSource.Open(cut);
        Assert.Null(source.Info.FrameCount);  // the length no longer divides into frames
        var frame = new Frame(32, 16, 3);
        Assert.NotNull(await source.ReadAsync(frame, CancellationToken.None));
        Assert.NotNull(await source.ReadAsync(frame, CancellationToken.None));
        var e = await Assert.ThrowsAsync<ConvStreamException>(async () => await source.ReadAsync(frame, CancellationToken.None));
        Assert.Equal($"{cut}: the file ends in the middle of frame 2 (668 of 768 bytes)", e.Message);
    }

    [Fact]
    public void HeaderParsesAndFormats()
    {
        var h = Y4mHeader.Parse("YUV4MPEG2 W640 H360 F30000:1001 It A1:1 C444 XCOLORRANGE=FULL", "x");
        Assert.Equal((640, 360, 30000, 1001, Y4mChroma.C444, true), (h.Width, h.Height, h.RateNumerator, h.RateDenominator, h.Chroma, h.FullRange));
        Assert.Equal(640 * 360 * 3, h.FrameBytes);
        var d = Y4mHeader.Parse("YUV4MPEG2 W5 H3 F25:1", "x");
        Assert.Equal((Y4mChroma.C420, 3, 2, 5 * 3 + 2 * 3 * 2), (d.Chroma, d.ChromaWidth, d.ChromaHeight, d.FrameBytes));
        Assert.Equal("YUV4MPEG2 W5 H3 F25:1 Ip A1:1 C420jpeg XYSCSS=420JPEG XCOLORRANGE=LIMITED\n", d.Format());
    }
}
