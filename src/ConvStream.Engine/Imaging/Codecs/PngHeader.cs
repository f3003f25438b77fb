using System.Buffers.Binary;

namespace ConvStream.Engine.Imaging.Codecs;

/// <summary>
/// A PNG's IHDR chunk, validated: size, bit depth, colour type and interlacing, plus the scanline
/// arithmetic every reader needs (bytes per row, the filter's "bytes per pixel").
/// </summary>
public readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    public const int Length = 13;

    /// <summary>Samples per pixel as stored: 1 gray/palette index, 2 gray+alpha, 3 RGB, 4 RGBA.</summary>
    public int SamplesPerPixel => ColorType switch
    {
        PngColorType.Gray or PngColorType.Palette => 1,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgb => 3,
        _ => 4,
    };

    public int BitsPerPixel => SamplesPerPixel * BitDepth;

    /// <summary>The filters' "bpp": bytes per complete pixel, rounded up to 1 for sub-byte depths.</summary>
    public int FilterStride => Math.Max(1, BitsPerPixel / 8);

    /// <summary>Bytes of one scanline of <paramref name="width"/> pixels, without its filter-type byte.</summary>
    public long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;

    /// <summary>Channels of the decoded frame: gray (alpha dropped) is 1, everything else is BGR.</summary>
    public int OutputChannels => ColorType is PngColorType.Gray or PngColorType.GrayAlpha ? 1 : 3;

    public static PngHeader Parse(ReadOnlySpan<byte> data, string name)
    {
        if (data.Length != Length)
            throw new ConvStreamException($"{name}: IHDR chunk has {data.Length} bytes, expected {Length}");
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int depth = data[8], type = data[9], compression = data[10], filter = data[11], interlace = data[12];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            throw new ConvStreamException($"{name}: PNG size {width}x{height} is invalid (each side must be 1 to 2^31-1)");
        bool depthOk = type switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => throw new ConvStreamException($"{name}: PNG colour type {type} is invalid (expected 0, 2, 3, 4 or 6)"),
        };
        if (!depthOk)
            throw new ConvStreamException($"{name}: bit depth {depth} is invalid for PNG colour type {type} ({(PngColorType)type})");
        if (compression != 0)
            throw new ConvStreamException($"{name}: PNG compression method {compression} is unknown (expected 0, deflate)");
        if (filter != 0)
            throw new ConvStreamException($"{name}: PNG filter method {filter} is unknown (expected 0)");
        if (interlace > 1)
            throw new ConvStreamException($"{name}: PNG interlace method {interlace} is unknown (expected 0 or 1, Adam7)");
        return new PngHeader((int)width, (int)height, depth, (PngColorType)type, interlace == 1);
    }

    public void WriteTo(Span<byte> data)
    {
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)Width);
        BinaryPrimitives.WriteUInt32BigEndian(data[4..], (uint)Height);
        data[8] = (byte)BitDepth;
        data[9] = (byte)ColorType;
        data[10] = 0;
        data[11] = 0;
        data[12] = Interlaced ? (byte)1 : (byte)0;
    }
}
