using ConvStream.Engine.Imaging;
using ConvStream.Engine.Imaging.Codecs;
using ConvStream.Engine.Io;
using static ConvStream.Engine.Tests.Imaging.ImagingFixtures;

namespace ConvStream.Engine.Tests.Imaging;

/// <summary>
/// Our PNG decoder against cv2.imread on hand-crafted files (every colour type and bit depth, each
/// filter, palettes with tRNS, Adam7, 16-bit) and files libpng wrote; and the errors on damaged files.
/// </summary>
public class PngReaderTests
{
    private static IEnumerable<string> GoodNames()
        => Directory.GetFiles(Path.GetDirectoryName(Fixture("png", "x"))!, "*.png")
            .Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(n => !n.StartsWith("bad_", StringComparison.Ordinal)).Order();

    public static TheoryData<string> GoodFiles() => new(GoodNames());

    [Fact]
    public void EveryKindOfFileHasAFixture()
    {
        var names = GoodNames().ToHashSet();
        foreach (var required in new[]
        {
            "gray1", "gray2", "gray4", "gray8", "gray16", "grayalpha8", "grayalpha16", "rgb8", "rgb16", "rgba8", "rgba16",
            "palette1", "palette2", "palette4_trns", "palette8_trns", "filter_none", "filter_sub", "filter_up",
            "filter_average", "filter_paeth", "interlaced_rgb8", "interlaced_rgba16", "interlaced_gray8_1x1", "cv2_bgr", "cv2_gray",
        })
            Assert.Contains(required, names);
    }

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void DecodesAsOpenCv(string name)
    {
        string path = Fixture("png", name + ".png");
        var expected = Npy.Read(Fixture("png", name + ".npy"));
        var frame = PngReader.Decode(File.ReadAllBytes(path), path);
        AssertEqual(expected, frame, name);

        // The header-only probe promises exactly what the decoder delivers.
        Assert.Equal(global::ConvStream.Engine.Filters.FrameFormat.Of(frame), ImageFile.ReadFormat(path));
        AssertEqual(expected, ImageFile.Read(path), name + " via ImageFile");
    }

    [Theory]
    [InlineData("bad_truncated", "truncated PNG")]
    [InlineData("bad_crc", "chunk IDAT has a bad CRC")]
    [InlineData("bad_no_iend", "missing IEND")]
    [InlineData("bad_no_ihdr", "missing IHDR (the first chunk is IDAT)")]
    [InlineData("bad_zlib", "bad zlib data in IDAT")]
    [InlineData("bad_short_data", "IDAT holds 270 bytes of image data but a 13x7 Rgb at 8 bits image needs 280")]
    [InlineData("bad_long_data", "IDAT holds more image data than a 13x7 Rgb at 8 bits image needs (280 bytes)")]
    [InlineData("bad_filter_type", "scanline 0 has filter type 7, expected 0 to 4")]
    [InlineData("bad_signature", "not a PNG file (bad signature)")]
    [InlineData("bad_depth", "bit depth 4 is invalid for PNG colour type 2")]
    [InlineData("bad_no_plte", "palette PNG without a PLTE chunk")]
    [InlineData("bad_no_idat", "no IDAT chunk")]
    [InlineData("bad_zero_width", "PNG size 0x7 is invalid")]
    [InlineData("bad_critical_chunk", "unknown critical chunk 'QXYZ'")]
    public void DamagedFileIsOneLineNamingTheFile(string name, string message)
    {
        string path = Fixture("png", name + ".png");
        var e = Assert.Throws<ConvStreamException>(() => ImageFile.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void EveryTruncationIsAnErrorNotACrash()
    {
        // Cut a valid file at every length: each prefix must give one ConvStreamException, never another exception.
        string path = Fixture("png", "interlaced_palette4.png");
        byte[] whole = File.ReadAllBytes(path);
        for (int n = 0; n < whole.Length; n++)
        {
            var e = Assert.Throws<ConvStreamException>(() => PngReader.Decode(whole[..n], "cut.png"));
            Assert.StartsWith("cut.png: ", e.Message);
        }
    }

    [Fact]
    public void EveryFlippedByteIsCaught()
    {
        // A flipped bit anywhere after the signature breaks a CRC, a length or a type: always a clean error.
        byte[] whole = File.ReadAllBytes(Fixture("png", "rgb8.png"));
        for (int i = 8; i < whole.Length; i++)
        {
            byte[] damaged = (byte[])whole.Clone();
            damaged[i] ^= 0x10;
            Assert.Throws<ConvStreamException>(() => PngReader.Decode(damaged, "flip.png"));
        }
    }

    [Fact]
    public void Crc32MatchesTheStandardCheckValue()
    {
        // The CRC-32/ISO-HDLC catalogue's check value for the ASCII digits "123456789".
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute(ReadOnlySpan<byte>.Empty));
        // Longer than one 8-byte step, split anywhere: Append must continue the same CRC.
        byte[] data = new byte[1000];
        new Random(5).NextBytes(data);
        uint whole = Crc32.Compute(data);
        for (int cut = 0; cut <= 40; cut++)
            Assert.Equal(whole, Crc32.Append(Crc32.Compute(data.AsSpan(0, cut)), data.AsSpan(cut)));
    }

    [Fact]
    public void HugeHeaderWithTinyDataIsRefusedBeforeAllocating()
    {
        // IHDR claims 40000x40000 RGB (4.8 GB); 20 bytes of IDAT cannot inflate to that.
        var png = new MemoryStream();
        png.Write(PngReader.Signature);
        Span<byte> ihdr = stackalloc byte[PngHeader.Length];
        new PngHeader(40000, 40000, 8, PngColorType.Rgb, false).WriteTo(ihdr);
        PngChunkStream.WriteChunk(png, "IHDR", ihdr);
        PngChunkStream.WriteChunk(png, "IDAT", new byte[] { 0x78, 0x9C, 0x63, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 });
        PngChunkStream.WriteChunk(png, "IEND", ReadOnlySpan<byte>.Empty);
        var e = Assert.Throws<ConvStreamException>(() => PngReader.Decode(png.ToArray(), "huge.png"));
        Assert.StartsWith("huge.png: ", e.Message);
        Assert.Contains("too", e.Message);
    }
}
