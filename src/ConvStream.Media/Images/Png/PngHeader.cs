using System.Buffers.Binary;

namespace ConvStream.Media.Images.Png;

/// <summary>
/// A PNG's IHDR chunk, validated: size, bit depth, colour type and interlacing, plus the scanline
/// arithmetic every reader needs (bytes per row, the filter's "bytes per pixel").
/// </summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
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
