using System.Runtime.InteropServices;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Imaging.Codecs;
using ConvStream.Engine.Io;
using static ConvStream.Engine.Tests.Imaging.ImagingFixtures;

namespace ConvStream.Engine.Tests.Imaging;

/// <summary>Frames as .npy arrays (cv2's layout) and saturation to 8 bits, against OpenCV. Image files are ConvStream.Media's (imgcodecs).</summary>
public class NpyImageTests
{
    [Theory]
    [InlineData(1, PixelDepth.U8)]
    [InlineData(3, PixelDepth.U8)]
    [InlineData(2, PixelDepth.S16)]
    [InlineData(5, PixelDepth.F32)]
    public void NpyKeepsLayoutAndDtype(int channels, PixelDepth depth)
    {
        var frame = new Frame(7, 5, channels, depth);
        new Random(channels).NextBytes(frame.Bytes);
        if (depth == PixelDepth.F32)
            for (int y = 0; y < 5; y++) foreach (ref float v in frame.Row<float>(y)) v = (float)(v % 1000); // no NaN patterns
        using var temp = new TempFolder();
        Npy.Write(temp.File("out.npy"), NpyImage.FromFrame(frame));

        var array = Npy.Read(temp.File("out.npy"));
        int[] expectedShape = channels == 1 ? [5, 7] : [5, 7, channels];
        Assert.Equal(expectedShape, array.Shape);
        Assert.Equal(depth switch { PixelDepth.U8 => NpyDType.UInt8, PixelDepth.S16 => NpyDType.Int16, _ => NpyDType.Float32 }, array.DType);
        Assert.Equal(frame.ToPacked(), array.Data);

        var back = NpyImage.ToFrame(Npy.Read(temp.File("out.npy")), "out.npy");
        Assert.True(frame.SameShape(back));
        Assert.Equal(frame.ToPacked(), back.ToPacked());
    }

    [Fact]
    public void NpyFileStartsWithNumpysMagic()
    {
        // numpy.load checks these six bytes: \x93 then "NUMPY", then version 1.0.
        using var temp = new TempFolder();
        Npy.Write(temp.File("m.npy"), NpyImage.FromFrame(new Frame(2, 2, 1)));
        byte[] head = File.ReadAllBytes(temp.File("m.npy"))[..8];
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, head);
    }

    [Theory]
    [InlineData(new[] { 4 }, NpyDType.UInt8, "must have shape (H,W) or (H,W,C), not (4)")]
    [InlineData(new[] { 2, 2, 2, 2 }, NpyDType.UInt8, "must have shape (H,W) or (H,W,C), not (2,2,2,2)")]
    [InlineData(new[] { 0, 3 }, NpyDType.UInt8, "is empty")]
    [InlineData(new[] { 3, 4, 100 }, NpyDType.UInt8, "has 100 channels")]
    [InlineData(new[] { 3, 4 }, NpyDType.Float64, "must be uint8 (or int16/float32), not float64")]
    [InlineData(new[] { 3, 4 }, NpyDType.Int32, "must be uint8 (or int16/float32), not int32")]
    public void BadNpyImageIsOneLineNamingTheFile(int[] shape, NpyDType dtype, string message)
    {
        using var temp = new TempFolder();
        string path = temp.File("bad.npy");
        Npy.Write(path, new NpyArray(dtype, shape, new byte[shape.Aggregate(1, (a, b) => a * b) * dtype.Size()]));
        var e = Assert.Throws<ConvStreamException>(() => NpyImage.ToFrame(Npy.Read(path), path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("s16")]
    public void SaturatesLikeOpenCv(string name)
    {
        // Fixtures: OpenCV's saturate_cast<uchar> via cv2.add(x, 0, dtype=CV_8U): ties to even, NaN -> 0, clamping.
        var input = Npy.Read(Fixture("saturate", name + ".npy"));
        var expected = Npy.Read(Fixture("saturate", name + "_u8.npy"));
        var frame = NpyImage.ToFrame(input, name);
        var u8 = SaturateCast.ToU8(frame);
        Assert.Equal(PixelDepth.U8, u8.Depth);
        Assert.Equal(expected.Data, u8.ToPacked());
    }
}
