namespace ConvStream.Media.Images.Png;

/// <summary>The PNG colour types (IHDR byte 9). Bit 1 = colour, bit 2 = alpha, bit 0 = palette.</summary>
internal enum PngColorType : byte
{
    Gray = 0,
    Rgb = 2,
    Palette = 3,
    GrayAlpha = 4,
    Rgba = 6,
}
