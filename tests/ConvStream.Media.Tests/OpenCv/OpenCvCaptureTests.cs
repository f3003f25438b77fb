using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.OpenCv;
using OpenCvSharp;

namespace ConvStream.Media.Tests.OpenCv;

/// <summary>The OpenCvSharp capture source against OpenCvSharp's own VideoCapture on the same file, its allocations, and its errors.</summary>
public class OpenCvCaptureTests
{
    private static List<byte[]> DecodeWithOpenCv(string path, int limit = int.MaxValue)
    {
        using var capture = new VideoCapture(path);
        using var mat = new Mat();
        var frames = new List<byte[]>();
        while (frames.Count < limit && capture.Read(mat) && !mat.Empty())
        {
            var bytes = new byte[mat.Total() * mat.ElemSize()];
            System.Runtime.InteropServices.Marshal.Copy(mat.Data, bytes, 0, bytes.Length);
            frames.Add(bytes);
        }
        return frames;
    }

    [Fact]
    public async Task FileFramesAreBitIdenticalToVideoCapture()
    {
        var expected = DecodeWithOpenCv("sample.mp4");
        await using var source = OpenCvCaptureSource.OpenFile("sample.mp4");
        Assert.Equal((640, 360, 3, 120L), (source.Info.Width, source.Info.Height, source.Info.Channels, source.Info.FrameCount!.Value));
        Assert.Equal(30, source.Info.FrameRate, 3);
        Assert.StartsWith("opencv (FFMPEG)", source.Backend);
        Assert.Contains("640x360 @ 30 fps", source.Granted);
        var frames = await MediaTestKit.ReadAll(source);
        Assert.Equal(expected.Count, frames.Count);
        Assert.Equal(120, frames.Count);
        for (int i = 0; i < frames.Count; i++) Assert.True(expected[i].AsSpan().SequenceEqual(frames[i]), $"frame {i} differs from VideoCapture.Read");
    }

    [Fact]
    public async Task GrayFramesAreOpenCvsConversion()
    {
        var bgr = DecodeWithOpenCv("sample.mp4", 3);
        await using var source = OpenCvCaptureSource.OpenFile("sample.mp4", new OpenCvCaptureOptions { Channels = 1, MaxFrames = 3 });
        var frames = await MediaTestKit.ReadAll(source);
        Assert.Equal(3, frames.Count);
        for (int i = 0; i < 3; i++)
        {
            using var m = Mat.FromPixelData(360, 640, MatType.CV_8UC3, bgr[i]);
            using var gray = new Mat();
            Cv2.CvtColor(m, gray, ColorConversionCodes.BGR2GRAY);
            gray.GetArray(out byte[] want);
            Assert.Equal(want, frames[i]);
        }
    }

    [Fact]
    public async Task SteadyStateReadsAllocateNothing()
    {
        await using var source = OpenCvCaptureSource.OpenFile("sample.mp4");
        var pool = new[] { new Frame(640, 360, 3), new Frame(640, 360, 3) };
        for (int i = 0; i < 6; i++) await source.ReadAsync(pool[i % 2], CancellationToken.None); // first sight of each buffer makes its Mat header
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 40; i++) Assert.NotNull(await source.ReadAsync(pool[i % 2], CancellationToken.None));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{allocated} bytes allocated in 40 reads");
    }

    [Fact]
    public async Task DamagedFileGivesTheFramesBeforeAndNamesTheIndex()
    {
        string dir = MediaTestKit.NewFolder("cvdamaged");
        string clip = Path.Combine(dir, "clip.avi");
        using (var writer = new VideoWriter(clip, FourCC.MJPG, 30, new Size(160, 120)))
        using (var frame = new Mat(120, 160, MatType.CV_8UC3))
            for (int i = 0; i < 40; i++) { frame.SetTo(new Scalar(i * 5, 100, 200 - i * 4)); writer.Write(frame); }
        byte[] whole = File.ReadAllBytes(clip);
        File.WriteAllBytes(clip, whole[..(whole.Length / 2)]);

        await using var source = OpenCvCaptureSource.OpenFile(clip);
        var frame2 = new Frame(160, 120, 3);
        int read = 0;
        var e = await Assert.ThrowsAsync<ConvStreamException>(async () =>
        {
            while (await source.ReadAsync(frame2, CancellationToken.None) is not null) read++;
        });
        Assert.InRange(read, 10, 39);
        Assert.Equal($"{clip}: OpenCV could not read frame {read} of 40: the file is damaged or cut short there; the {read} frames before it were processed", e.Message);
    }

    [Fact]
    public void UnopenableFileAndMissingCameraAreOneLineNamingTheBackend()
    {
        string dir = MediaTestKit.NewFolder("cvbad");
        string text = Path.Combine(dir, "notes.mp4");
        File.WriteAllText(text, "not a video");
        var e = Assert.Throws<ConvStreamException>(() => OpenCvCaptureSource.OpenFile(text));
        Assert.StartsWith($"{text}: OpenCV (backend opencv) cannot open it", e.Message);
        Assert.Equal($"{Path.Combine(dir, "none.mp4")}: no such file", Assert.Throws<ConvStreamException>(() => OpenCvCaptureSource.OpenFile(Path.Combine(dir, "none.mp4"))).Message);
        if (!OperatingSystem.IsLinux()) return;
        e = Assert.Throws<ConvStreamException>(() => OpenCvCaptureSource.OpenCamera("37"));
        Assert.Equal("camera 37: OpenCV (V4L2) cannot open it (no such camera, or it is busy); `convstream devices` lists the cameras", e.Message);
        e = Assert.Throws<ConvStreamException>(() => OpenCvCaptureSource.OpenCamera("/dev/video-none"));
        Assert.StartsWith("camera /dev/video-none: OpenCV (V4L2) cannot open it", e.Message);
    }

    [Fact]
    public async Task LiveModeKeepsTheNewestFrameAndCountsTheRest()
    {
        // A file read "live" is delivered as fast as it decodes; a reader that sleeps gets fresh frames and the rest are counted.
        await using var source = OpenCvCaptureSource.OpenFile("sample.mp4", new OpenCvCaptureOptions { Live = true });
        var frame = new Frame(640, 360, 3);
        int got = 0;
        while (await source.ReadAsync(frame, CancellationToken.None) is not null)
        {
            got++;
            await Task.Delay(40);
        }
        Assert.True(got >= 1 && got < 120, $"{got} frames taken");
        Assert.Equal(120 - got, source.DroppedFrames);
    }
}
