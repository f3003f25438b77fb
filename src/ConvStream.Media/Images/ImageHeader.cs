using System.Buffers.Binary;
using System.Text;
using ConvStream.Engine;

namespace ConvStream.Media.Images;

/// <summary>
/// The pixel size a still image declares in its first bytes (PNG IHDR, JPEG SOFn, BMP info header,
/// WebP VP8/VP8L/VP8X, TIFF's first IFD, PNM's text header), read before anything is decoded so a
/// file that declares an absurd size (a PNG of 2^31−1 × 2^31−1) is refused in one line instead of
/// reaching the decoder's allocation. The limits are <see cref="MaxSide"/> a side (OpenCV's own
/// CV_IO_MAX_IMAGE_WIDTH/HEIGHT default) and a BGR frame of at most 2 GiB (ConvStream's Frame).
/// </summary>
public readonly record struct ImageHeader(string Format, long Width, long Height)
{
    public const long MaxSide = 1 << 20;

    /// <summary>Reads the declared size from the start of <paramref name="bytes"/>; null when the format is not one of these or the header is cut short.</summary>
    public static ImageHeader? Sniff(ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (bytes.Length >= 24 && bytes[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
                return new("PNG", BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]), BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]));
            if (bytes.Length >= 4 && bytes[0] == 0xFF && bytes[1] == 0xD8) return Jpeg(bytes);
            if (bytes.Length >= 26 && bytes[0] == 'B' && bytes[1] == 'M')
                return new("BMP", Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(bytes[18..])), Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(bytes[22..])));
            if (bytes.Length >= 30 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8)) return WebP(bytes);
            if (bytes.Length >= 8 && (bytes[..4].SequenceEqual("II*\0"u8) || bytes[..4].SequenceEqual("MM\0*"u8))) return Tiff(bytes);
            if (bytes.Length >= 2 && bytes[0] == 'P' && bytes[1] is >= (byte)'1' and <= (byte)'6') return Pnm(bytes);
        }
        catch (ArgumentOutOfRangeException) { } // a header cut short: the decoder reports it
        return null;
    }

    /// <summary>Throws one line naming <paramref name="path"/> when the declared size is zero or beyond the limits.</summary>
    public void CheckLimits(string path)
    {
        if (Width <= 0 || Height <= 0)
            throw new ConvStreamException($"{path}: {Format} header declares {Width}x{Height} pixels; an image must have at least one");
        // 3 channels (BGR) as decoded, rows padded to 64 bytes as Frame lays them out.
        long stride = (Width * 3 + 63) / 64 * 64;
        if (Width > MaxSide || Height > MaxSide || stride * Height + 64 > int.MaxValue)
            throw new ConvStreamException($"{path}: {Format} header declares {Width}x{Height} pixels; at most {MaxSide} a side and a 2 GiB frame are supported");
    }

    private static ImageHeader? Jpeg(ReadOnlySpan<byte> b)
    {
        int i = 2;
        while (i + 9 < b.Length)
        {
            if (b[i] != 0xFF) return null;
            byte marker = b[i + 1];
            if (marker == 0xFF) { i++; continue; } // fill byte
            if (marker is 0xD8 or 0x01 || marker is >= 0xD0 and <= 0xD7) { i += 2; continue; }
            int length = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return new("JPEG", BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..]));
            i += 2 + length;
        }
        return null;
    }

    private static ImageHeader? WebP(ReadOnlySpan<byte> b)
    {
        var chunk = b[12..16];
        if (chunk.SequenceEqual("VP8 "u8))
            return new("WebP", BinaryPrimitives.ReadUInt16LittleEndian(b[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(b[28..]) & 0x3FFF);
        if (chunk.SequenceEqual("VP8L"u8))
        {
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(b[21..]);
            return new("WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }
        if (chunk.SequenceEqual("VP8X"u8))
            return new("WebP", (b[24] | b[25] << 8 | b[26] << 16) + 1L, (b[27] | b[28] << 8 | b[29] << 16) + 1L);
        return null;
    }

    private static ImageHeader? Tiff(ReadOnlySpan<byte> b)
    {
        bool little = b[0] == 'I';
        long ifd = U32(b, 4, little);
        if (ifd + 2 > b.Length) return null; // the first IFD is beyond what was read: let the decoder judge
        int entries = U16(b, (int)ifd, little);
        long width = -1, height = -1;
        for (int e = 0; e < entries; e++)
        {
            int at = (int)ifd + 2 + 12 * e;
            ushort tag = U16(b, at, little), type = U16(b, at + 2, little);
            long value = type == 3 ? U16(b, at + 8, little) : U32(b, at + 8, little); // SHORT or LONG
            if (tag == 256) width = value;
            else if (tag == 257) height = value;
        }
        return width < 0 || height < 0 ? null : new("TIFF", width, height);
    }

    private static uint U32(ReadOnlySpan<byte> b, int at, bool little)
        => little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);

    private static ushort U16(ReadOnlySpan<byte> b, int at, bool little)
        => little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    private static ImageHeader? Pnm(ReadOnlySpan<byte> b)
    {
        // P1..P6: magic, then width and height as decimal tokens; '#' starts a comment to the end of the line.
        var numbers = new List<long>(2);
        int i = 2;
        while (numbers.Count < 2 && i < b.Length)
        {
            byte c = b[i];
            if (c == '#') { while (i < b.Length && b[i] != '\n') i++; continue; }
            if (c is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') { i++; continue; }
            if (c is < (byte)'0' or > (byte)'9') return null;
            int start = i;
            while (i < b.Length && b[i] is >= (byte)'0' and <= (byte)'9') i++;
            if (i == b.Length) return null; // a token cut short by the end of what was read
            if (!long.TryParse(Encoding.ASCII.GetString(b[start..i]), out long v) || i - start > 12) v = long.MaxValue;
            numbers.Add(v);
        }
        return numbers.Count == 2 ? new("PNM", numbers[0], numbers[1]) : null;
    }
}
