using ConvStream.Engine.Io;
using OpenCvSharp;

namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream filter</c> on photographs in every common format (a 640×360 frame of
/// media/sample.mp4 saved by OpenCV as JPEG, WebP, TIFF and BMP): the results equal OpenCvSharp's
/// filters on the pixels OpenCV decodes from the same file, and JPEG/WebP outputs are exactly the
/// files OpenCV's encoder makes from OpenCV's result (so they open in OpenCV).
/// </summary>
public class FilterPhotoTests
{
    private static Mat Photo()
    {
        using var capture = new VideoCapture(Path.Combine(PipelineMedia.RepoRoot, "media", "sample.mp4"));
        Assert.True(capture.IsOpened(), "media/sample.mp4 does not open in OpenCV");
        capture.Set(VideoCaptureProperties.PosFrames, 30);
        var frame = new Mat();
        Assert.True(capture.Read(frame) && !frame.Empty());
        return frame;
    }

    private static void AssertSame(Mat expected, NpyArray actual, string what)
    {
        int channels = expected.Channels();
        int[] shape = channels == 1 ? [expected.Rows, expected.Cols] : [expected.Rows, expected.Cols, channels];
        Assert.Equal(shape, actual.Shape);
        byte[] want = new byte[expected.Total() * expected.ElemSize()];
        System.Runtime.InteropServices.Marshal.Copy(expected.Data, want, 0, want.Length);
        int diff = 0;
        for (int i = 0; i < want.Length; i++) if (want[i] != actual.Data[i]) diff++;
        Assert.True(diff == 0, $"{what}: {diff} of {want.Length} bytes differ from OpenCvSharp");
    }

    [Theory]
    [InlineData(".jpg")]
    [InlineData(".webp")]
    [InlineData(".tiff")]
    [InlineData(".bmp")]
    public void PhotoThroughFilterEqualsOpenCvOnTheDecodedPixels(string extension)
    {
        using var run = new FilterRun();
        string photo = run.File("photo" + extension);
        using (var frame = Photo()) Assert.True(Cv2.ImWrite(photo, frame));
        using var decoded = Cv2.ImRead(photo, ImreadModes.AnyColor);

        var (code, _, stderr) = run.Run("photo" + extension, "blur.npy", "--stage", "gaussian:size=5,sigma=0");
        Assert.True(code == 0, string.Join(" | ", stderr));
        using var blur = new Mat();
        Cv2.GaussianBlur(decoded, blur, new Size(5, 5), 0, 0, BorderTypes.Reflect101);
        AssertSame(blur, Npy.Read(run.File("blur.npy")), $"gaussian 5x5 on {extension}");

        (code, _, stderr) = run.Run("photo" + extension, "dx.npy", "--stage", "gray", "--stage", "sobel:dx=1,dy=0,depth=s16");
        Assert.True(code == 0, string.Join(" | ", stderr));
        using var gray = new Mat();
        using var dx = new Mat();
        Cv2.CvtColor(decoded, gray, ColorConversionCodes.BGR2GRAY);
        Cv2.Sobel(gray, dx, MatType.CV_16S, 1, 0, 3, 1, 0, BorderTypes.Reflect101);
        AssertSame(dx, Npy.Read(run.File("dx.npy")), $"gray + sobel dx on {extension}");
    }

    [Theory]
    [InlineData(".jpg", 90)]
    [InlineData(".webp", 80)]
    public void JpegAndWebPOutputsAreWhatOpenCvEncodes(string extension, int quality)
    {
        using var run = new FilterRun();
        using (var frame = Photo()) Assert.True(Cv2.ImWrite(run.File("photo.png"), frame));
        string output = "blur" + extension;
        var (code, _, stderr) = run.Run("photo.png", output, "--stage", "gaussian:size=3,sigma=0", "--quality", quality.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(code == 0, string.Join(" | ", stderr));

        using var decoded = Cv2.ImRead(run.File("photo.png"), ImreadModes.AnyColor);
        using var blur = new Mat();
        Cv2.GaussianBlur(decoded, blur, new Size(3, 3), 0, 0, BorderTypes.Reflect101);
        var flag = extension == ".jpg" ? ImwriteFlags.JpegQuality : ImwriteFlags.WebPQuality;
        Cv2.ImEncode(extension, blur, out byte[] expected, [(int)flag, quality]);
        Assert.Equal(expected, File.ReadAllBytes(run.File(output)));

        using var opened = Cv2.ImRead(run.File(output), ImreadModes.Color);
        Assert.Equal((640, 360), (opened.Cols, opened.Rows));
    }

    [Fact]
    public void QualityOnAPngOutputIsOneLineBeforeAnyWork()
    {
        using var run = new FilterRun();
        var (code, _, stderr) = run.Run("input.png", "out.png", "--stage", "gray", "--quality", "50");
        Assert.Equal(1, code);
        Assert.Equal(["convstream filter: " + run.File("out.png").Replace(run.Folder + Path.DirectorySeparatorChar, "") + ": a quality applies to JPEG and WebP outputs, not PNG"], stderr);
        Assert.Empty(run.NewFiles());
    }
}
