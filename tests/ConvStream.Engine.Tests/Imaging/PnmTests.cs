using System.Text;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Imaging.Codecs;
using ConvStream.Engine.Io;
using static ConvStream.Engine.Tests.Imaging.ImagingFixtures;

namespace ConvStream.Engine.Tests.Imaging;

/// <summary>PGM/PPM against cv2.imread (binary files OpenCV wrote, ASCII files with comments), round trips, errors.</summary>
public class PnmTests
{
    [Theory]
    [InlineData("cv2_bgr.ppm")]
    [InlineData("cv2_gray.pgm")]
    [InlineData("ascii.ppm")]
    [InlineData("ascii.pgm")]
    public void DecodesAsOpenCv(string file)
    {
        string path = Fixture("pnm", file);
        var expected = Npy.Read(Fixture("pnm", file.Replace('.', '_') + ".npy"));
        var frame = ImageFile.Read(path);
        AssertEqual(expected, frame, file);
        Assert.Equal(global::ConvStream.Engine.Filters.FrameFormat.Of(frame), ImageFile.ReadFormat(path));
    }

    [Theory]
    [InlineData("out.pgm", 1)]
    [InlineData("out.ppm", 3)]
    [InlineData("out.pnm", 3)]
    [InlineData("out.pnm", 1)]
    public void RoundTrips(string name, int channels)
    {
        var frame = RandomFrame(23, 11, channels, seed: channels);
        using var temp = new TempFolder();
        ImageFile.Write(temp.File(name), frame);
        var back = ImageFile.Read(temp.File(name));
        Assert.True(frame.SameShape(back));
        for (int y = 0; y < frame.Height; y++) Assert.True(frame.RowSpan(y).SequenceEqual(back.RowSpan(y)));
    }

    [Fact]
    public void PpmStoresRgb()
    {
        var frame = new Frame(1, 1, 3);
        frame.RowSpan(0)[0] = 10; // B
        frame.RowSpan(0)[1] = 20; // G
        frame.RowSpan(0)[2] = 30; // R
        using var temp = new TempFolder();
        ImageFile.Write(temp.File("px.ppm"), frame);
        Assert.Equal("P6\n1 1\n255\n"u8.ToArray().Concat(new byte[] { 30, 20, 10 }), File.ReadAllBytes(temp.File("px.ppm")));
    }

    [Theory]
    [InlineData("P5\n4 3\n255\n0123", "truncated PGM: 4x3 needs 12 bytes of pixels but the file has 4")]
    [InlineData("P5\n4 3\n65535\n", "maxval 65535 is not supported; expected 255")]
    [InlineData("P5\n4 3\n15\n0123456789ab", "maxval 15 is not supported")]
    [InlineData("P4\n4 3\n", "PBM bitmaps (P4) are not supported")]
    [InlineData("P7\nWIDTH 4\n", "PAM (P7) is not supported")]
    [InlineData("P6\n4", "truncated PGM/PPM header (no height)")]
    [InlineData("P6\n4 x\n255\n", "height is not a number")]
    [InlineData("P6\n0 3\n255\n", "image size 0x3 must be positive")]
    [InlineData("P2\n2 2\n255\n1 2 3", "truncated PGM: fewer than the 4 samples")]
    [InlineData("P2\n2 2\n255\n1 2 3 256", "sample 256 at row 1 exceeds maxval 255")]
    [InlineData("P3\n1 1\n255\n1 2 z", "'z' is not a sample value")]
    public void BadFileIsOneLineNamingIt(string content, string message)
    {
        using var temp = new TempFolder();
        string path = temp.File("bad.pnm");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes(content));
        var e = Assert.Throws<ConvStreamException>(() => ImageFile.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("out.pgm", 3, "a PGM holds 1 channel but the result has 3")]
    [InlineData("out.ppm", 1, "a PPM holds 3 channels (BGR) but the result has 1")]
    [InlineData("out.pnm", 4, "PGM/PPM holds 1 or 3 channels but the result has 4")]
    public void WrongChannelCountIsRefusedBeforeWriting(string name, int channels, string message)
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<ConvStreamException>(() => ImageFile.Write(temp.File(name), new Frame(2, 2, channels)));
        Assert.Contains(message, e.Message);
        Assert.Empty(Directory.GetFiles(temp.FullName));
    }
}
