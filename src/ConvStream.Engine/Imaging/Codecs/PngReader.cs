using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ConvStream.Engine.Imaging.Codecs;

/// <summary>
/// Decodes PNG files into frames as <c>cv2.imread</c> does: colour types (RGB, RGBA, palette) become
/// 3-channel BGR, gray types 1 channel; alpha and tRNS are dropped; 1/2/4-bit gray is scaled to
/// 0..255 (bit replication, as libpng) while palette indices are looked up; 16-bit samples keep
/// their high byte (OpenCV's 8-bit read strips the low one); Adam7 interlacing is supported.
/// Every chunk's CRC is checked. A damaged file is a <see cref="ConvStreamException"/> naming it.
/// </summary>
public static class PngReader
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Limit on decoded samples (width × height × channels): what <see cref="Frame"/> can hold.</summary>
    private const long MaxSamples = int.MaxValue - 4096;

    /// <summary>Deflate's largest expansion (a 258-byte match per ~2 bits of input), rounded up.</summary>
    private const long MaxDeflateRatio = 1032;

    public static bool HasSignature(ReadOnlySpan<byte> bytes) => bytes.Length >= 8 && bytes[..8].SequenceEqual(Signature);

    /// <summary>The header only (signature and IHDR, CRC checked), to plan before decoding pixels.</summary>
    public static PngHeader ReadHeader(ReadOnlySpan<byte> bytes, string name)
    {
        CheckSignature(bytes, name);
        var chunk = NextChunk(bytes, 8, name);
        if (chunk.Type != "IHDR")
            throw new ConvStreamException($"{name}: missing IHDR (the first chunk is {chunk.Type})");
        return PngHeader.Parse(bytes.Slice(chunk.DataStart, chunk.Length), name);
    }

    public static Frame Decode(byte[] bytes, string name)
    {
        CheckSignature(bytes, name);
        PngHeader? header = null;
        byte[]? palette = null; // 256 BGR entries, zero beyond the PLTE's end (libpng paints such indices black)
        var idat = new List<(int Start, int Length)>();
        bool idatEnded = false, sawEnd = false;
        int pos = 8;
        while (pos < bytes.Length)
        {
            var chunk = NextChunk(bytes, pos, name);
            var data = bytes.AsSpan(chunk.DataStart, chunk.Length);
            if (header is null && chunk.Type != "IHDR")
                throw new ConvStreamException($"{name}: missing IHDR (the first chunk is {chunk.Type})");
            switch (chunk.Type)
            {
                case "IHDR":
                    if (header is not null) throw new ConvStreamException($"{name}: more than one IHDR chunk");
                    header = PngHeader.Parse(data, name);
                    break;
                case "PLTE":
                    palette = ParsePalette(data, header!.Value, name);
                    break;
                case "IDAT":
                    if (idatEnded) throw new ConvStreamException($"{name}: IDAT chunks are not consecutive (another chunk comes between them)");
                    idat.Add((chunk.DataStart, chunk.Length));
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
                default:
                    // Bit 5 of the first letter clear (upper case) marks a chunk a decoder must understand.
                    if ((chunk.TypeByte0 & 0x20) == 0)
                        throw new ConvStreamException($"{name}: unknown critical chunk '{chunk.Type}'");
                    break;
            }
            if (idat.Count > 0 && chunk.Type != "IDAT") idatEnded = true;
            pos = chunk.DataStart + chunk.Length + 4;
            if (sawEnd) break;
        }
        if (header is null) throw new ConvStreamException($"{name}: missing IHDR (no chunks after the signature)");
        if (!sawEnd) throw new ConvStreamException($"{name}: missing IEND chunk (the file is cut short or damaged)");
        var h = header.Value;
        if (idat.Count == 0) throw new ConvStreamException($"{name}: no IDAT chunk (the PNG holds no image data)");
        if (h.ColorType == PngColorType.Palette && palette is null)
            throw new ConvStreamException($"{name}: palette PNG without a PLTE chunk");
        if ((long)h.Width * h.Height * h.OutputChannels > MaxSamples)
            throw new ConvStreamException($"{name}: PNG of {h.Width}x{h.Height} is too large to decode");

        long expected = ExpectedDataLength(h);
        long compressed = idat.Sum(c => (long)c.Length);
        string what = $"{h.Width}x{h.Height} {(h.Interlaced ? "interlaced " : "")}{h.ColorType} at {h.BitDepth} bits";
        // Deflate expands at most ~1032:1, so a small file cannot hold a huge image: say so before
        // allocating the frame its header asks for.
        if (expected > compressed * MaxDeflateRatio + 1024)
            throw new ConvStreamException($"{name}: IDAT holds {compressed} compressed bytes, too few for a {what} image ({expected} bytes)");
        Frame frame;
        try { frame = new Frame(h.Width, h.Height, h.OutputChannels); }
        catch (ConvStreamException e) { throw new ConvStreamException($"{name}: {e.Message}"); }

        // Scanlines are inflated, unfiltered and expanded one at a time into two row buffers: the
        // whole filtered image (as large as the frame) is never held in memory.
        try
        {
            using var z = new ZLibStream(new PngIdatStream(bytes, idat), CompressionMode.Decompress);
            var data = new ScanlineSource(z, name, what, expected);
            var expander = new PngPixelExpander(h, palette);
            if (!h.Interlaced)
            {
                DecodeImage(data, h, h.Width, h.Height, name, (y, row) => expander.Expand(row, h.Width, frame.RowSpan(y)));
            }
            else
            {
                int channels = h.OutputChannels;
                var pixels = new byte[h.Width * channels]; // the widest pass (the 7th: every pixel of odd rows), expanded
                foreach (var pass in Adam7.Passes)
                {
                    int pw = pass.Width(h.Width), ph = pass.Height(h.Height);
                    if (pw == 0 || ph == 0) continue;
                    DecodeImage(data, h, pw, ph, name, (j, row) =>
                    {
                        var expanded = pixels.AsSpan(0, pw * channels);
                        expander.Expand(row, pw, expanded);
                        var target = frame.RowSpan(pass.Y0 + j * pass.Dy);
                        for (int i = 0, x = pass.X0; i < pw; i++, x += pass.Dx)
                            expanded.Slice(i * channels, channels).CopyTo(target.Slice(x * channels, channels));
                    });
                }
            }
            data.EnsureEnd();
        }
        catch (InvalidDataException e)
        {
            throw new ConvStreamException($"{name}: bad zlib data in IDAT ({e.Message.TrimEnd('.')})");
        }
        return frame;
    }

    private delegate void RowSink(int y, ReadOnlySpan<byte> row);

    /// <summary>Reads, unfilters and hands on the <paramref name="rows"/> scanlines of one (sub)image.</summary>
    private static void DecodeImage(ScanlineSource data, PngHeader h, int width, int rows, string name, RowSink sink)
    {
        int rowBytes = (int)h.RowBytes(width);
        int bpp = h.FilterStride;
        var current = new byte[1 + rowBytes];
        var prior = new byte[1 + rowBytes]; // zeros: the row above the first
        for (int y = 0; y < rows; y++)
        {
            data.Read(current);
            int type = current[0];
            var row = current.AsSpan(1);
            if (!PngRowFilter.Unfilter(type, row, prior.AsSpan(1), bpp))
                throw new ConvStreamException($"{name}: scanline {y} has filter type {type}, expected 0 to 4");
            sink(y, row);
            (current, prior) = (prior, current);
        }
    }

    /// <summary>Bytes of filtered scanlines the header promises: filter byte + row bytes per row of every pass.</summary>
    private static long ExpectedDataLength(PngHeader h)
    {
        if (!h.Interlaced) return h.Height * (1 + h.RowBytes(h.Width));
        long total = 0;
        foreach (var pass in Adam7.Passes)
        {
            int pw = pass.Width(h.Width), ph = pass.Height(h.Height);
            if (pw > 0 && ph > 0) total += ph * (1 + h.RowBytes(pw));
        }
        return total;
    }

    /// <summary>The inflated IDAT data, read scanline by scanline, with the errors for too little or too much of it.</summary>
    private sealed class ScanlineSource(Stream inflated, string name, string what, long expected)
    {
        private long _read;

        public void Read(Span<byte> scanline)
        {
            int got = 0;
            while (got < scanline.Length)
            {
                int n = inflated.Read(scanline[got..]);
                if (n == 0)
                    throw new ConvStreamException($"{name}: IDAT holds {_read + got} bytes of image data but a {what} image needs {expected}");
                got += n;
            }
            _read += got;
        }

        public void EnsureEnd()
        {
            Span<byte> extra = stackalloc byte[1];
            if (inflated.Read(extra) > 0)
                throw new ConvStreamException($"{name}: IDAT holds more image data than a {what} image needs ({expected} bytes)");
        }
    }

    private static byte[] ParsePalette(ReadOnlySpan<byte> data, PngHeader h, string name)
    {
        if (data.Length == 0 || data.Length % 3 != 0 || data.Length / 3 > 256)
            throw new ConvStreamException($"{name}: PLTE chunk has {data.Length} bytes, expected 3 per entry and 1 to 256 entries");
        if (h.ColorType == PngColorType.Palette && data.Length / 3 > 1 << h.BitDepth)
            throw new ConvStreamException($"{name}: PLTE has {data.Length / 3} entries but {h.BitDepth}-bit indices reach only {1 << h.BitDepth}");
        var bgr = new byte[256 * 3];
        for (int i = 0; i < data.Length / 3; i++)
        {
            bgr[3 * i] = data[3 * i + 2];
            bgr[3 * i + 1] = data[3 * i + 1];
            bgr[3 * i + 2] = data[3 * i];
        }
        return bgr;
    }

    private static void CheckSignature(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length == 0) throw new ConvStreamException($"{name}: empty file, not a PNG");
        if (!HasSignature(bytes))
            throw new ConvStreamException(bytes.Length < 8 && Signature.StartsWith(bytes)
                ? $"{name}: truncated PNG (the file ends inside the signature)"
                : $"{name}: not a PNG file (bad signature)");
    }

    private readonly record struct Chunk(string Type, byte TypeByte0, int DataStart, int Length);

    /// <summary>Reads the chunk at <paramref name="pos"/>: length, type, data, and checks its CRC.</summary>
    private static Chunk NextChunk(ReadOnlySpan<byte> bytes, int pos, string name)
    {
        if (bytes.Length - pos < 8)
            throw new ConvStreamException($"{name}: truncated PNG (a chunk header is cut off at byte {pos})");
        uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes[pos..]);
        var typeBytes = bytes.Slice(pos + 4, 4);
        foreach (byte b in typeBytes)
            if (!char.IsAsciiLetter((char)b))
                throw new ConvStreamException($"{name}: damaged PNG (chunk at byte {pos} has an invalid type)");
        string type = Encoding.ASCII.GetString(typeBytes);
        if (length > int.MaxValue || bytes.Length - pos - 12 < length)
            throw new ConvStreamException($"{name}: truncated PNG (chunk {type} at byte {pos} needs {length} bytes of data; the file ends first)");
        int dataStart = pos + 8;
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[(dataStart + (int)length)..]);
        uint actual = Crc32.Compute(bytes.Slice(pos + 4, 4 + (int)length));
        if (stored != actual)
            throw new ConvStreamException($"{name}: chunk {type} has a bad CRC");
        return new Chunk(type, typeBytes[0], dataStart, (int)length);
    }
}
