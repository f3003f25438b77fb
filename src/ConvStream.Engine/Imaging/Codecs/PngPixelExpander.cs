namespace ConvStream.Engine.Imaging.Codecs;

/// <summary>
/// Turns one unfiltered PNG scanline into frame pixels with cv2.imread's IMREAD_COLOR rules for
/// colour and IMREAD_GRAYSCALE's for gray: RGB(A) → BGR, alpha dropped, palette looked up (BGR),
/// 1/2/4-bit gray scaled to 0..255, 16-bit reduced to its high byte.
/// </summary>
internal sealed class PngPixelExpander(PngHeader header, byte[]? paletteBgr)
{
    public void Expand(ReadOnlySpan<byte> src, int width, Span<byte> dst)
    {
        int depth = header.BitDepth;
        switch (header.ColorType)
        {
            case PngColorType.Gray when depth < 8:
                {
                    int scale = 255 / ((1 << depth) - 1);
                    for (int i = 0; i < width; i++) dst[i] = (byte)(SubByteSample(src, i, depth) * scale);
                    break;
                }
            case PngColorType.Gray:
                if (depth == 8) src[..width].CopyTo(dst);
                else for (int i = 0; i < width; i++) dst[i] = src[2 * i];
                break;
            case PngColorType.GrayAlpha:
                {
                    int step = depth / 4; // bytes per pixel: 2 at 8 bits, 4 at 16
                    for (int i = 0; i < width; i++) dst[i] = src[step * i];
                    break;
                }
            case PngColorType.Rgb or PngColorType.Rgba:
                {
                    int bytesPerSample = depth / 8;
                    int step = header.SamplesPerPixel * bytesPerSample;
                    // The high byte of each sample comes first (PNG is big endian).
                    for (int i = 0, s = 0; i < width; i++, s += step)
                    {
                        dst[3 * i] = src[s + 2 * bytesPerSample];
                        dst[3 * i + 1] = src[s + bytesPerSample];
                        dst[3 * i + 2] = src[s];
                    }
                    break;
                }
            case PngColorType.Palette:
                {
                    byte[] lut = paletteBgr!;
                    for (int i = 0; i < width; i++)
                    {
                        int index = depth == 8 ? src[i] : SubByteSample(src, i, depth);
                        dst[3 * i] = lut[3 * index];
                        dst[3 * i + 1] = lut[3 * index + 1];
                        dst[3 * i + 2] = lut[3 * index + 2];
                    }
                    break;
                }
        }
    }

    /// <summary>Sample <paramref name="i"/> of a row packed <paramref name="depth"/> bits each, most significant bits first.</summary>
    private static int SubByteSample(ReadOnlySpan<byte> src, int i, int depth)
    {
        int perByte = 8 / depth;
        int shift = 8 - depth * (i % perByte + 1);
        return (src[i / perByte] >> shift) & ((1 << depth) - 1);
    }
}
