using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Images;
using ConvStream.Media.Sinks;
using ConvStream.Media.Sources;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Tests;

public sealed class ImageSequenceTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public async Task PngSequenceRoundTripsExactlyAndFfmpegReadsIt(int channels)
    {
        string dir = MediaTestKit.NewFolder("seq");
        string src = MediaTestKit.MakeClip(dir, "src.mkv", 45, 23, 4, 25, false, "-c:v", "ffv1");
        string pattern = Path.Combine(dir, "frame_%05d.png");
        List<byte[]> written;
        await using (var source = VideoFileSource.Open(src, new FileSourceOptions { Channels = channels }))
        {
            written = await MediaTestKit.ReadAll(source);
            var sink = new ImageSequenceSink(pattern);
            await sink.OpenAsync(45, 23, channels, source.Info, CancellationToken.None);
            for (int i = 0; i < written.Count; i++) await sink.WriteAsync(MediaTestKit.FrameFrom(written[i], 45, 23, channels), new FrameStamp(i, TimeSpan.Zero, 0), CancellationToken.None);
            await sink.CompleteAsync(CancellationToken.None);
            Assert.Equal(Path.Combine(dir, "frame_00003.png"), sink.PathOf(3));
        }
        Assert.Equal(4, Directory.GetFiles(dir, "frame_*.png").Length);
        Assert.True(File.Exists(Path.Combine(dir, "frame_00000.png")));

        // Natively, every frame comes back bit-exact.
        await using (var back = ImageSequenceSource.Open(pattern, 25, 1, new SourceOptions { Channels = channels }))
        {
            Assert.IsType<ImageFilesSource>(back);
            Assert.Equal((45, 23, 4L), (back.Info.Width, back.Info.Height, back.Info.FrameCount!.Value));
            var read = await MediaTestKit.ReadAll(back);
            Assert.Equal(4, read.Count);
            for (int i = 0; i < 4; i++) Assert.True(written[i].AsSpan().SequenceEqual(read[i]), $"frame {i}");
        }
        // And ffmpeg (image2) reads our PNGs as the same pixels.
        var byFfmpeg = MediaTestKit.DecodeWithFfmpeg(pattern, 45, 23, channels == 3 ? "bgr24" : "gray", channels, "-f", "image2", "-start_number", "0");
        Assert.Equal(4, byFfmpeg.Count);
        for (int i = 0; i < 4; i++) Assert.True(written[i].AsSpan().SequenceEqual(byFfmpeg[i]), $"ffmpeg frame {i}");
    }

    [Fact]
    public async Task SequenceStartingAtOneOfJpegsIsDecodedAsOpenCvDoes()
    {
        string dir = MediaTestKit.NewFolder("seq1");
        MediaTestKit.Run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10", "-frames:v", "5", Path.Combine(dir, "img%03d.jpg"));
        await using var source = ImageSequenceSource.Open(Path.Combine(dir, "img%03d.jpg"), 10);
        Assert.IsType<ImageFilesSource>(source); // imgcodecs, in-process: no ffmpeg needed for JPEG sequences
        Assert.Equal(5L, source.Info.FrameCount);
        var frames = await MediaTestKit.ReadAll(source);
        Assert.Equal(5, frames.Count);
        for (int i = 0; i < 5; i++)
        {
            using var cv = OpenCvSharp.Cv2.ImRead(Path.Combine(dir, $"img{i + 1:000}.jpg"), OpenCvSharp.ImreadModes.Color);
            cv.GetArray(out OpenCvSharp.Vec3b[] pixels);
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.AsSpan()).SequenceEqual(frames[i]), $"frame {i} differs from cv2.imread");
        }
    }

    [Fact]
    public async Task DamagedFileMidSequenceNamesItsFrameIndexAfterTheGoodOnes()
    {
        string dir = MediaTestKit.NewFolder("seqbad");
        for (int i = 1; i <= 4; i++) File.WriteAllBytes(Path.Combine(dir, $"f{i:00}.webp"), ImageCodec.Encode(Tests.Images.ImageFixtures.PhotoLike(64, 48, 3, i), ".webp", 90));
        File.WriteAllBytes(Path.Combine(dir, "f03.webp"), File.ReadAllBytes(Path.Combine(dir, "f03.webp"))[..40]);
        await using var source = ImageSequenceSource.Open(Path.Combine(dir, "f%02d.webp"), 10);
        var frame = new Frame(64, 48, 3);
        for (int i = 0; i < 2; i++) Assert.NotNull(await source.ReadAsync(frame, CancellationToken.None)); // f01, f02
        var e = await Assert.ThrowsAsync<ConvStreamException>(async () => await source.ReadAsync(frame, CancellationToken.None));
        Assert.StartsWith(Path.Combine(dir, "f%02d.webp") + ": frame 2: " + Path.Combine(dir, "f03.webp") + ": ", e.Message);
    }

    [Fact]
    public void PatternsExpandAndComplain()
    {
        var p = new ImageSequencePattern("out/f_%05d.png");
        Assert.Equal("out/f_00042.png", p.PathOf(42));
        Assert.Equal("a7.png", new ImageSequencePattern("a%d.png").PathOf(7));
        Assert.Contains("exactly one %d", Assert.Throws<ConvStreamException>(() => new ImageSequencePattern("plain.png")).Message);
        Assert.Contains("no file", Assert.Throws<ConvStreamException>(() => new ImageSequencePattern("/nonexistent/f_%03d.png").Find()).Message);
    }
}
