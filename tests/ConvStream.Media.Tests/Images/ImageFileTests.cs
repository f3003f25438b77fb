using System.Buffers.Binary;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;
using ConvStream.Media.Images;
using ConvStream.Media.OpenCv;
using OpenCvSharp;
using static ConvStream.Media.Tests.Images.ImageFixtures;

namespace ConvStream.Media.Tests.Images;

/// <summary>
/// Still images through imgcodecs: the committed PNG/PGM/PPM fixtures decode as Debian's cv2 4.6
/// imread does; every format round-trips (lossless ones bit-exact, JPEG/WebP equal to what OpenCV
/// decodes from the same bytes); damaged and absurd files are one line naming the file.
/// </summary>
public class ImageFileTests
{
    private static IEnumerable<string> GoodPngNames()
        => Directory.GetFiles(Path.GetDirectoryName(Fixture("png", "x"))!, "*.png")
            .Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(n => !n.StartsWith("bad_", StringComparison.Ordinal)).Order();

    public static TheoryData<string> GoodPngs() => new(GoodPngNames());

    public static TheoryData<string> BadPngs() => new(Directory.GetFiles(Path.GetDirectoryName(Fixture("png", "x"))!, "bad_*.png")
        .Select(Path.GetFileNameWithoutExtension).OfType<string>().Order());

    [Theory]
    [MemberData(nameof(GoodPngs))]
    public void PngDecodesAsOpenCv(string name)
    {
        string path = Fixture("png", name + ".png");
        var expected = Npy.Read(Fixture("png", name + ".npy"));
        var frame = ImageFile.Read(path);
        if (name.StartsWith("grayalpha", StringComparison.Ordinal))
        {
            // IMREAD_ANYCOLOR reads gray+alpha as BGR (OpenCV's PNG decoder calls it 4-channel): each channel is the gray.
            Assert.Equal(3, frame.Channels);
            var gray = new Frame(frame.Width, frame.Height, 1);
            for (int y = 0; y < frame.Height; y++)
                for (int x = 0; x < frame.Width; x++)
                {
                    var px = frame.RowSpan(y).Slice(3 * x, 3);
                    Assert.True(px[0] == px[1] && px[1] == px[2], $"{name}: pixel ({x},{y}) is not gray");
                    gray.RowSpan(y)[x] = px[0];
                }
            frame = gray;
        }
        AssertEqual(expected, frame, name);
    }

    [Theory]
    [InlineData("cv2_bgr.ppm")]
    [InlineData("cv2_gray.pgm")]
    [InlineData("ascii.ppm")]
    [InlineData("ascii.pgm")]
    public void PnmDecodesAsOpenCv(string file)
    {
        string path = Fixture("pnm", file);
        AssertEqual(Npy.Read(Fixture("pnm", file.Replace('.', '_') + ".npy")), ImageFile.Read(path), file);
    }

    [Theory]
    [MemberData(nameof(BadPngs))]
    public void DamagedPngIsOneLineNamingTheFile(string name)
    {
        string path = Fixture("png", name + ".png");
        Frame? decoded = null;
        try { decoded = ImageFile.Read(path); }
        catch (ConvStreamException e)
        {
            Assert.StartsWith(path + ": ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
            return;
        }
        // libpng tolerates some damage (an ancillary chunk, data after the image): then the result is OpenCV's own.
        using var cv = Cv2.ImRead(path, ImreadModes.AnyColor);
        Assert.False(cv.Empty(), $"{name}: ConvStream decoded a file OpenCV refuses");
        Assert.Equal(cv.Cols, decoded!.Width);
    }

    [Fact]
    public void EveryTruncationIsAnErrorNotACrash()
    {
        string path = Fixture("png", "interlaced_palette4.png");
        byte[] whole = File.ReadAllBytes(path);
        for (int n = 0; n < whole.Length - 12; n++) // without IEND's 12 bytes libpng may still return the image
        {
            var e = Assert.Throws<ConvStreamException>(() => ImageCodec.Decode(whole.AsSpan(0, n), "cut.png"));
            Assert.StartsWith("cut.png: ", e.Message);
        }
    }

    [Theory]
    [InlineData(0x7FFFFFFF, 0x7FFFFFFF)]
    [InlineData(40000, 40000)]
    [InlineData(1 << 21, 1)]
    public void AbsurdPngSizeIsRefusedFromTheHeader(int width, int height)
    {
        // IHDR only (the CRC is not even right): the limit is checked before any decoder runs.
        byte[] png = new byte[33];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(png, 0);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        png[24] = 8; png[25] = 2;
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("huge.png"), png);
        var e = Assert.Throws<ConvStreamException>(() => ImageFile.Read(temp.File("huge.png")));
        Assert.Equal($"{temp.File("huge.png")}: PNG header declares {width}x{height} pixels; at most 1048576 a side and a 2 GiB frame are supported", e.Message);
    }

    [Theory]
    [InlineData(".png", 1)] [InlineData(".png", 3)] [InlineData(".png", 4)]
    [InlineData(".bmp", 1)] [InlineData(".bmp", 3)] [InlineData(".bmp", 4)]
    [InlineData(".tif", 1)] [InlineData(".tif", 3)] [InlineData(".tiff", 4)]
    [InlineData(".pgm", 1)] [InlineData(".ppm", 3)] [InlineData(".pnm", 1)]
    public void LosslessFormatsRoundTripBitExact(string extension, int channels)
    {
        var frame = PhotoLike(37, 23, channels, seed: channels);
        using var temp = new TempFolder();
        ImageFile.Write(temp.File("out" + extension), frame);
        var back = ImageFile.Read(temp.File("out" + extension));
        // Reading drops alpha (IMREAD_ANYCOLOR): a 4-channel file comes back as its BGR.
        int expectChannels = channels == 4 ? 3 : channels;
        Assert.Equal(new FrameFormat(37, 23, expectChannels, PixelDepth.U8), FrameFormat.Of(back));
        for (int y = 0; y < frame.Height; y++)
            for (int x = 0; x < frame.Width; x++)
                for (int c = 0; c < expectChannels; c++)
                    Assert.Equal(frame.RowSpan(y)[x * channels + c], back.RowSpan(y)[x * expectChannels + c]);
        Assert.Equal([Path.GetFileName(temp.File("out" + extension))], Directory.GetFiles(temp.FullName).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(".jpg", 3, 90)]
    [InlineData(".jpeg", 1, 75)]
    [InlineData(".webp", 3, 80)]
    [InlineData(".webp", 4, 101)]
    public void LossyFormatsDecodeAsOpenCvAndStayClose(string extension, int channels, int quality)
    {
        var frame = PhotoLike(64, 48, channels, seed: 7);
        using var temp = new TempFolder();
        string path = temp.File("photo" + extension);
        ImageFile.Write(path, frame, new ImageWriteOptions { Quality = quality });

        // What OpenCV itself decodes from the file is exactly what ConvStream reads.
        var back = ImageFile.Read(path);
        using var cv = Cv2.ImRead(path, ImreadModes.AnyColor);
        Assert.False(cv.Empty());
        Assert.Equal(FrameFormat.Of(back), FrameFormat.Of(MatView.Wrap(cv)));
        for (int y = 0; y < back.Height; y++)
            Assert.True(back.RowSpan(y).SequenceEqual(MatView.Wrap(cv).RowSpan(y)), $"row {y} differs from cv2.imread");

        // And it is the picture that was written: mean absolute error of a few levels (0 for lossless WebP).
        int outChannels = back.Channels;
        double error = 0;
        for (int y = 0; y < back.Height; y++)
            for (int x = 0; x < back.Width; x++)
                for (int c = 0; c < outChannels; c++)
                    error += Math.Abs(frame.RowSpan(y)[x * channels + c] - back.RowSpan(y)[x * outChannels + c]);
        error /= back.Width * back.Height * outChannels;
        Assert.True(quality > 100 ? error == 0 : error < 6, $"mean error {error:F2}");
    }

    [Fact]
    public void QualityChangesTheJpeg()
    {
        var frame = PhotoLike(96, 64, 3, seed: 3);
        byte[] low = ImageCodec.Encode(frame, ".jpg", 10), high = ImageCodec.Encode(frame, "jpg", 95);
        Assert.True(low.Length < high.Length / 2, $"q10 {low.Length} bytes vs q95 {high.Length}");
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, low[..3]);
        using var decoded = Cv2.ImDecode(high, ImreadModes.Color);
        Assert.Equal((96, 64), (decoded.Cols, decoded.Rows));
        byte[] png = ImageCodec.Encode(frame, ".png", 9);
        Assert.Equal(frame.ToPacked(), ImageCodec.Decode(png, "mem.png").ToPacked());
    }

    [Fact]
    public void PhoneJpegIsTurnedUprightByItsExifOrientation()
    {
        // A 40x20 JPEG whose EXIF says "rotate 90° clockwise" (orientation 6), as phones write portraits.
        var frame = PhotoLike(40, 20, 3, seed: 1);
        byte[] jpeg = ImageCodec.Encode(frame, ".jpg", 95);
        byte[] exif = [0xFF, 0xE1, 0, 34, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0];
        byte[] phone = [.. jpeg[..2], .. exif, .. jpeg[2..]];
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("portrait.jpg"), phone);
        var upright = ImageFile.Read(temp.File("portrait.jpg"));
        Assert.Equal((20, 40), (upright.Width, upright.Height));
        using var cv = Cv2.ImRead(temp.File("portrait.jpg"), ImreadModes.AnyColor);
        Assert.Equal(cv.Cols, upright.Width);
        Assert.True(upright.RowSpan(5).SequenceEqual(MatView.Wrap(cv).RowSpan(5)));
    }

    [Theory]
    [InlineData("out.pgm", 3, "a PGM holds 1 channel but the result has 3")]
    [InlineData("out.ppm", 1, "a PPM holds 3 channels but the result has 1")]
    [InlineData("out.jpg", 4, "a JPEG holds 1 or 3 channels but the result has 4")]
    [InlineData("out.png", 2, "a PNG holds 1, 3 or 4 channels but the result has 2; write .npy")]
    public void WrongChannelCountIsRefusedBeforeWriting(string name, int channels, string message)
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<ConvStreamException>(() => ImageFile.Write(temp.File(name), new Frame(2, 2, channels)));
        Assert.Contains(message, e.Message);
        Assert.Empty(Directory.GetFiles(temp.FullName));
    }

    [Theory]
    [InlineData("out.png", 50, null, "a quality applies to JPEG and WebP outputs, not PNG")]
    [InlineData("out.jpg", null, 3, "a compression level applies to PNG outputs, not JPEG")]
    [InlineData("out.jpg", 0, null, "JPEG quality 0 must be 1..100")]
    [InlineData("out.png", null, 10, "PNG compression 10 must be 0..9")]
    public void BadEncoderOptionIsOneLine(string name, int? quality, int? compression, string message)
    {
        using var temp = new TempFolder();
        var options = new ImageWriteOptions { Quality = quality, PngCompression = compression };
        var e = Assert.Throws<ConvStreamException>(() => { ImageFile.CheckOptions(temp.File(name), options); ImageFile.Write(temp.File(name), new Frame(2, 2, 3), options); });
        Assert.Contains(message, e.Message);
        Assert.Empty(Directory.GetFiles(temp.FullName));
    }

    [Fact]
    public void FloatAndInt16FramesAreSaturatedLikeOpenCv()
    {
        var f = new Frame(4, 1, 1, PixelDepth.F32);
        float[] values = [-3f, 2.5f, 3.5f, 300f];
        values.CopyTo(f.Row<float>(0));
        using var temp = new TempFolder();
        ImageFile.Write(temp.File("s.png"), f);
        Assert.Equal(new byte[] { 0, 2, 4, 255 }, ImageFile.Read(temp.File("s.png")).ToPacked()); // ties to even, clamp
    }

    [Fact]
    public void NpyKeepsLayoutAndDtype()
    {
        var frame = new Frame(7, 5, 2, PixelDepth.S16);
        new Random(2).NextBytes(frame.Bytes);
        using var temp = new TempFolder();
        ImageFile.Write(temp.File("out.npy"), frame);
        var back = ImageFile.Read(temp.File("out.npy"));
        Assert.Equal(frame.ToPacked(), back.ToPacked());
        Assert.Equal(FrameFormat.Of(frame), ImageFile.ReadFormat(temp.File("out.npy")));
    }

    [Fact]
    public void UnknownExtensionIsRecognisedByItsFirstBytesOrNamed()
    {
        using var temp = new TempFolder();
        File.Copy(Fixture("png", "rgb8.png"), temp.File("picture.dat"));
        AssertEqual(Npy.Read(Fixture("png", "rgb8.npy")), ImageFile.Read(temp.File("picture.dat")), "sniffed PNG");
        File.WriteAllText(temp.File("notes.txt"), "not an image");
        Assert.Equal($"{temp.File("notes.txt")}: unknown image type '.txt'; expected {ImageFile.Extensions}",
            Assert.Throws<ConvStreamException>(() => ImageFile.Read(temp.File("notes.txt"))).Message);
        Assert.Contains("unknown image type '.gif' for output",
            Assert.Throws<ConvStreamException>(() => ImageFile.Write(temp.File("out.gif"), new Frame(2, 2, 3))).Message);
    }

    [Fact]
    public void MissingEmptyAndFolderAreOneLine()
    {
        using var temp = new TempFolder();
        Assert.Equal($"{temp.File("nope.jpg")}: file not found", Assert.Throws<ConvStreamException>(() => ImageFile.Read(temp.File("nope.jpg"))).Message);
        File.WriteAllBytes(temp.File("empty.jpg"), []);
        Assert.Equal($"{temp.File("empty.jpg")}: empty file, not an image", Assert.Throws<ConvStreamException>(() => ImageFile.Read(temp.File("empty.jpg"))).Message);
        Assert.Contains("is a folder", Assert.Throws<ConvStreamException>(() => ImageFile.Read(temp.FullName)).Message);
    }
}
