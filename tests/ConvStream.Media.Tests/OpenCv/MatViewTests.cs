using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Media.OpenCv;
using ConvStream.Stages;
using OpenCvSharp;

namespace ConvStream.Media.Tests.OpenCv;

/// <summary>Zero-copy Frame ⇄ Mat views: same memory both ways, continuous and strided, 1/3/4 channels, u8/s16/f32; wrong Mats are named.</summary>
public class MatViewTests
{
    public static TheoryData<int, PixelDepth> Formats()
    {
        var data = new TheoryData<int, PixelDepth>();
        foreach (int c in new[] { 1, 3, 4 })
            foreach (var d in new[] { PixelDepth.U8, PixelDepth.S16, PixelDepth.F32 }) data.Add(c, d);
        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void FrameViewedAsMatSharesItsPixels(int channels, PixelDepth depth)
    {
        var frame = new Frame(13, 7, channels, depth); // stride padded to 64 bytes: a strided Mat
        new Random(channels).NextBytes(frame.Bytes);
        using var mat = MatView.Of(frame);
        Assert.Equal(frame.Address, mat.Data);
        Assert.Equal(frame.Stride, (int)mat.Step());
        Assert.Equal(MatView.TypeOf(depth, channels), mat.Type());
        Assert.Equal((13, 7), (mat.Cols, mat.Rows));
        Assert.Equal(frame.Stride == frame.RowBytes, mat.IsContinuous());

        // OpenCV writes through the view into the frame: set every sample to 7 (the padding stays).
        mat.SetTo(Scalar.All(7));
        for (int y = 0; y < 7; y++)
            Assert.All(frame.RowSpan(y).ToArray().Chunk(depth.Size()), s => Assert.Equal(depth switch
            {
                PixelDepth.U8 => new byte[] { 7 },
                PixelDepth.S16 => BitConverter.GetBytes((short)7),
                _ => BitConverter.GetBytes(7f),
            }, s));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void MatWrappedAsFrameSharesItsPixels(int channels, PixelDepth depth)
    {
        using var whole = new Mat(20, 30, MatView.TypeOf(depth, channels), Scalar.All(0));
        using var strided = new Mat(whole, new Rect(3, 2, 17, 11)); // a ROI: rows whole.Step() apart
        Assert.False(strided.IsContinuous());
        var frame = MatView.Wrap(strided);
        Assert.True(frame.IsView);
        Assert.Equal(new FrameFormat(17, 11, channels, depth), FrameFormat.Of(frame));
        Assert.Equal((int)whole.Step(), frame.Stride);
        Assert.Equal(strided.Data, frame.Address);

        // The engine writes through the frame into the Mat.
        frame.RowSpan(4)[0] = 99;
        Assert.Equal(99, System.Runtime.InteropServices.Marshal.ReadByte(whole.Data + (2 + 4) * (int)whole.Step() + 3 * channels * depth.Size()));
        using var continuous = new Mat(5, 6, MatView.TypeOf(depth, channels), Scalar.All(1));
        Assert.Equal(continuous.Cols * channels * depth.Size(), MatView.Wrap(continuous).Stride);
    }

    [Fact]
    public void AFilterRunsInPlaceOnTheCallersMat()
    {
        // Gaussian 5x5 of a BGR Mat, written by ConvStream's engine straight into another Mat, equals OpenCV's.
        using var input = new Mat(48, 64, MatType.CV_8UC3);
        Cv2.Randu(input, Scalar.All(0), Scalar.All(256));
        using var ours = new Mat(48, 64, MatType.CV_8UC3);
        using var theirs = new Mat();
        var gaussian = StageRegistry.CreateFilter("gaussian:size=5,sigma=0", ".");
        gaussian.Apply([MatView.Wrap(input)], MatView.Wrap(ours));
        Cv2.GaussianBlur(input, theirs, new Size(5, 5), 0, 0, BorderTypes.Reflect101);
        Assert.Equal(0, Cv2.CountNonZero((ours - theirs).ToMat().Reshape(1)));
        Assert.Equal(0, Cv2.CountNonZero((theirs - ours).ToMat().Reshape(1)));
    }

    [Fact]
    public void WrongMatsAreNamedWithBothFormats()
    {
        using var doubles = new Mat(4, 4, MatType.CV_64FC1);
        Assert.Equal("Mat: a Mat of 4x4 CV_64FC1 cannot be a frame; expected CV_8U, CV_16S or CV_32F with 1 to 4 channels",
            Assert.Throws<ConvStreamException>(() => MatView.Wrap(doubles)).Message);
        using var gray = new Mat(360, 640, MatType.CV_8UC1);
        Assert.Equal("camera: got a Mat of 640x360 CV_8UC1 but 640x360x3 u8 (CV_8UC3) was expected",
            Assert.Throws<ConvStreamException>(() => MatView.Wrap(gray, new FrameFormat(640, 360, 3, PixelDepth.U8), "camera")).Message);
        using var empty = new Mat();
        Assert.Contains("the Mat is empty", Assert.Throws<ConvStreamException>(() => MatView.Wrap(empty)).Message);
        Assert.Contains("has 5 channels", Assert.Throws<ConvStreamException>(() => MatView.Of(new Frame(2, 2, 5))).Message);
    }
}
