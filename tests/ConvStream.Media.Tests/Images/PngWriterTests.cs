using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ConvStream.Engine.Imaging;
using ConvStream.Engine;
using ConvStream.Media.Images;
using ConvStream.Media.Images.Png;
using static ConvStream.Media.Tests.Images.ImageFixtures;

namespace ConvStream.Media.Tests.Images;

/// <summary>ConvStream's PNG encoder: what OpenCV (libpng) decodes from its files, and a file structure checked independently of any decoder.</summary>
public class PngWriterTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 1, 3)]
    [InlineData(17, 5, 1)]
    [InlineData(33, 19, 3)]
    [InlineData(64, 48, 4)]
    [InlineData(301, 3, 3)]
    public void OpenCvDecodesWhatWasWritten(int width, int height, int channels)
    {
        var frame = RandomFrame(width, height, channels, seed: width * 31 + height);
        using var temp = new TempFolder();
        string path = temp.File("out.png");
        ImageFile.Write(path, frame);
        byte[] file = File.ReadAllBytes(path);
        var back = ImageCodec.Decode(file, path);
        if (channels == 4)
        {
            // Alpha is dropped on read (as cv2.imread), so BGRA comes back as BGR.
            Assert.Equal(3, back.Channels);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    Assert.True(frame.RowSpan(y).Slice(4 * x, 3).SequenceEqual(back.RowSpan(y).Slice(3 * x, 3)));
            // The alpha channel itself is in the file: check it in the raw scanlines.
            var rows = InflateScanlines(file, width, height, 4);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    Assert.Equal(frame.RowSpan(y)[4 * x + 3], rows[y][4 * x + 3]);
        }
        else
        {
            Assert.True(frame.SameShape(back));
            for (int y = 0; y < height; y++) Assert.True(frame.RowSpan(y).SequenceEqual(back.RowSpan(y)), $"row {y} differs");
        }
    }

    [Fact]
    public void FileIsWellFormedWithoutAnyDecoder()
    {
        // Walk the chunks by hand, check every CRC against an independent bitwise CRC, inflate IDAT
        // with ZLibStream and undo the filters with a plain transcription of the PNG spec.
        var frame = RandomFrame(300, 700, 3, seed: 9); // ~630 KB of pixels: several IDAT chunks
        var stream = new MemoryStream();
        PngWriter.Encode(stream, frame);
        byte[] file = stream.ToArray();
        Assert.True(file.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        var types = new List<string>();
        int pos = 8;
        while (pos < file.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos));
            types.Add(Encoding.ASCII.GetString(file, pos + 4, 4));
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos + 8 + length));
            Assert.Equal(BitwiseCrc(file.AsSpan(pos + 4, 4 + length)), crc);
            pos += 12 + length;
        }
        Assert.Equal(file.Length, pos);
        Assert.Equal("IHDR", types[0]);
        Assert.Equal("IEND", types[^1]);
        Assert.True(types.Count(t => t == "IDAT") >= 2, "a 630 KB image should span several IDAT chunks");
        Assert.Equal(300u, BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(16)));
        Assert.Equal(700u, BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(20)));
        Assert.Equal(8, file[24]);
        Assert.Equal(2, file[25]); // RGB

        var rows = InflateScanlines(file, 300, 700, 3);
        for (int y = 0; y < 700; y++)
        {
            var bgr = frame.RowSpan(y);
            for (int x = 0; x < 300; x++)
            {
                Assert.Equal(bgr[3 * x + 2], rows[y][3 * x]);
                Assert.Equal(bgr[3 * x + 1], rows[y][3 * x + 1]);
                Assert.Equal(bgr[3 * x], rows[y][3 * x + 2]);
            }
        }
    }

    [Fact]
    public void AdaptiveFilterUsesSeveralFilterTypes()
    {
        // A smooth gradient favours Sub/Up/Paeth, noise favours None: an adaptive writer picks more than one.
        var frame = new Frame(64, 64, 1);
        var rng = new Random(3);
        for (int y = 0; y < 64; y++)
        {
            var row = frame.RowSpan(y);
            for (int x = 0; x < 64; x++) row[x] = y < 32 ? (byte)(x * 3 + y) : (byte)rng.Next(256);
        }
        var stream = new MemoryStream();
        PngWriter.Encode(stream, frame);
        var used = FilterTypes(stream.ToArray(), 64, 64, 1);
        Assert.True(used.Distinct().Count() >= 2, $"filters used: {string.Join(",", used.Distinct())}");
        Assert.All(used, t => Assert.InRange(t, 0, 4));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void RefusesChannelCountsPngCannotHold(int channels)
    {
        using var temp = new TempFolder();
        string path = temp.File("out.png");
        var e = Assert.Throws<ConvStreamException>(() => ImageFile.Write(path, new Frame(4, 4, channels)));
        Assert.Contains($"the result has {channels}; write .npy", e.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(temp.FullName));
    }

    [Fact]
    public void MissingOutputFolderIsAnErrorAndLeavesNothing()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.FullName, "no-such-folder", "out.png");
        var e = Assert.Throws<ConvStreamException>(() => ImageFile.Write(path, new Frame(4, 4, 3)));
        Assert.Contains("does not exist", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp.FullName));
    }

    // --- an independent, deliberately naive PNG scanline reader (the spec, transcribed) ---

    private static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    private static byte[] InflateAll(byte[] file)
    {
        var idat = new MemoryStream();
        for (int pos = 8; pos < file.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos));
            if (Encoding.ASCII.GetString(file, pos + 4, 4) == "IDAT") idat.Write(file, pos + 8, length);
            pos += 12 + length;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        return raw.ToArray();
    }

    private static List<int> FilterTypes(byte[] file, int width, int height, int bpp)
    {
        byte[] raw = InflateAll(file);
        Assert.Equal(height * (1 + width * bpp), raw.Length);
        return Enumerable.Range(0, height).Select(y => (int)raw[y * (1 + width * bpp)]).ToList();
    }

    private static byte[][] InflateScanlines(byte[] file, int width, int height, int bpp)
    {
        byte[] raw = InflateAll(file);
        int stride = width * bpp;
        Assert.Equal(height * (1 + stride), raw.Length);
        var rows = new byte[height][];
        var prior = new byte[stride];
        for (int y = 0; y < height; y++)
        {
            int type = raw[y * (1 + stride)];
            var row = raw.AsSpan(y * (1 + stride) + 1, stride).ToArray();
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bpp ? row[i - bpp] : 0, b = prior[i], c = i >= bpp ? prior[i - bpp] : 0;
                int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                int paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                row[i] = (byte)(row[i] + type switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, 4 => paeth, _ => throw new InvalidDataException($"filter {type}") });
            }
            rows[y] = row;
            prior = row;
        }
        return rows;
    }
}
