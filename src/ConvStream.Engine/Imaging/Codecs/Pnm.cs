using System.Text;
using ConvStream.Engine.Io;

namespace ConvStream.Engine.Imaging.Codecs;

/// <summary>
/// Netpbm gray and colour maps: PGM (P5 binary, P2 ASCII) → 1 channel, PPM (P6 binary, P3 ASCII)
/// → 3 channels BGR, with maxval 255 (8-bit samples). Other maxvals are refused rather than
/// guessed at: OpenCV itself scales ASCII files but not binary ones. Writes P5 and P6.
/// </summary>
public static class Pnm
{
    public static bool HasSignature(ReadOnlySpan<byte> bytes)
        => bytes.Length >= 2 && bytes[0] == 'P' && bytes[1] is (byte)'2' or (byte)'3' or (byte)'5' or (byte)'6';

    public readonly record struct Header(char Kind, int Width, int Height, int DataStart)
    {
        public int Channels => Kind is '3' or '6' ? 3 : 1;
        public bool Ascii => Kind is '2' or '3';
    }

    public static Header ReadHeader(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 2 || bytes[0] != 'P')
            throw new ConvStreamException($"{name}: not a PGM/PPM file (no P5/P6/P2/P3 magic)");
        char kind = (char)bytes[1];
        switch (kind)
        {
            case '2' or '3' or '5' or '6': break;
            case '1' or '4': throw new ConvStreamException($"{name}: PBM bitmaps (P{kind}) are not supported; expected PGM (P5, P2) or PPM (P6, P3)");
            case '7': throw new ConvStreamException($"{name}: PAM (P7) is not supported; expected PGM (P5, P2) or PPM (P6, P3)");
            default: throw new ConvStreamException($"{name}: not a PGM/PPM file (magic 'P{kind}')");
        }
        int pos = 2;
        int width = HeaderNumber(bytes, ref pos, name, "width");
        int height = HeaderNumber(bytes, ref pos, name, "height");
        int maxval = HeaderNumber(bytes, ref pos, name, "maxval");
        if (width == 0 || height == 0) throw new ConvStreamException($"{name}: image size {width}x{height} must be positive");
        if (maxval != 255)
            throw new ConvStreamException($"{name}: maxval {maxval} is not supported; expected 255 (8-bit samples)");
        // Exactly one whitespace byte separates the header from binary data.
        if (pos >= bytes.Length || !IsSpace(bytes[pos]))
        {
            if (pos >= bytes.Length && kind is '5' or '6')
                throw new ConvStreamException($"{name}: truncated {(kind == '5' ? "PGM" : "PPM")}: no pixel data after the header");
            if (pos < bytes.Length) throw new ConvStreamException($"{name}: no whitespace after the maxval");
        }
        return new Header(kind, width, height, pos + 1);
    }

    public static Frame Decode(ReadOnlySpan<byte> bytes, string name)
    {
        var h = ReadHeader(bytes, name);
        long need = (long)h.Width * h.Height * h.Channels;
        if (need > int.MaxValue - 4096) throw new ConvStreamException($"{name}: image {h.Width}x{h.Height} is too large");
        var frame = new Frame(h.Width, h.Height, h.Channels);
        string kindName = h.Channels == 1 ? "PGM" : "PPM";
        if (!h.Ascii)
        {
            long have = bytes.Length - h.DataStart;
            if (have < need)
                throw new ConvStreamException($"{name}: truncated {kindName}: {h.Width}x{h.Height} needs {need} bytes of pixels but the file has {Math.Max(0, have)}");
            var data = bytes.Slice(h.DataStart, (int)need);
            int rb = h.Width * h.Channels;
            for (int y = 0; y < h.Height; y++) CopySwapped(data.Slice(y * rb, rb), frame.RowSpan(y), h.Channels);
            return frame;
        }
        int pos = h.DataStart;
        var rgb = new byte[h.Width * h.Channels];
        for (int y = 0; y < h.Height; y++)
        {
            for (int i = 0; i < rgb.Length; i++)
            {
                int v = AsciiNumber(bytes, ref pos, name, kindName, need);
                if (v > 255) throw new ConvStreamException($"{name}: sample {v} at row {y} exceeds maxval 255");
                rgb[i] = (byte)v;
            }
            CopySwapped(rgb, frame.RowSpan(y), h.Channels);
        }
        return frame;
    }

    public static void CheckWritable(string path, int channels, PixelDepth depth)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (depth != PixelDepth.U8)
            throw new ConvStreamException($"{path}: PGM/PPM holds 8-bit samples but the frame is {depth.Name()} (ImageFile.Write saturates it first)");
        bool ok = ext switch { ".pgm" => channels == 1, ".ppm" => channels == 3, _ => channels is 1 or 3 };
        if (!ok)
            throw new ConvStreamException(ext switch
            {
                ".pgm" => $"{path}: a PGM holds 1 channel but the result has {channels}; write .ppm, .png or .npy",
                ".ppm" => $"{path}: a PPM holds 3 channels (BGR) but the result has {channels}; write .pgm, .png or .npy",
                _ => $"{path}: PGM/PPM holds 1 or 3 channels but the result has {channels}; write .npy to keep every channel",
            });
    }

    /// <summary>Writes P5 (1 channel) or P6 (3 channels, BGR stored as RGB), atomically.</summary>
    public static void Write(string path, Frame frame)
    {
        CheckWritable(path, frame.Channels, frame.Depth);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Encoding.ASCII.GetBytes($"P{(frame.Channels == 1 ? 5 : 6)}\n{frame.Width} {frame.Height}\n255\n"));
            var row = new byte[frame.RowBytes];
            for (int y = 0; y < frame.Height; y++)
            {
                CopySwapped(frame.RowSpan(y), row, frame.Channels);
                stream.Write(row);
            }
        });
    }

    /// <summary>RGB ↔ BGR (the same swap both ways); gray is copied.</summary>
    private static void CopySwapped(ReadOnlySpan<byte> src, Span<byte> dst, int channels)
    {
        if (channels == 1) { src.CopyTo(dst); return; }
        for (int i = 0; i < src.Length; i += 3)
        {
            dst[i] = src[i + 2];
            dst[i + 1] = src[i + 1];
            dst[i + 2] = src[i];
        }
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    private static void SkipSpaceAndComments(ReadOnlySpan<byte> bytes, ref int pos)
    {
        while (pos < bytes.Length)
        {
            if (IsSpace(bytes[pos])) pos++;
            else if (bytes[pos] == '#') { while (pos < bytes.Length && bytes[pos] != '\n' && bytes[pos] != '\r') pos++; }
            else break;
        }
    }

    private static int HeaderNumber(ReadOnlySpan<byte> bytes, ref int pos, string name, string what)
    {
        SkipSpaceAndComments(bytes, ref pos);
        int start = pos;
        long v = 0;
        while (pos < bytes.Length && bytes[pos] is >= (byte)'0' and <= (byte)'9' && v <= int.MaxValue)
            v = v * 10 + (bytes[pos++] - '0');
        if (pos == start)
            throw new ConvStreamException(pos >= bytes.Length
                ? $"{name}: truncated PGM/PPM header (no {what})"
                : $"{name}: bad PGM/PPM header: {what} is not a number");
        if (v > int.MaxValue) throw new ConvStreamException($"{name}: PGM/PPM {what} {v}… is too large");
        return (int)v;
    }

    private static int AsciiNumber(ReadOnlySpan<byte> bytes, ref int pos, string name, string kind, long need)
    {
        SkipSpaceAndComments(bytes, ref pos);
        int start = pos;
        int v = 0;
        while (pos < bytes.Length && bytes[pos] is >= (byte)'0' and <= (byte)'9' && v <= 65535)
            v = v * 10 + (bytes[pos++] - '0');
        if (pos == start)
            throw new ConvStreamException(pos >= bytes.Length
                ? $"{name}: truncated {kind}: fewer than the {need} samples the header promises"
                : $"{name}: bad {kind} data: '{(char)bytes[pos]}' is not a sample value");
        return v;
    }
}
