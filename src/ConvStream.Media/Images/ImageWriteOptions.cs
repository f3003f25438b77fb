namespace ConvStream.Media.Images;

/// <summary>
/// Encoder settings for still images. <see cref="Quality"/> is JPEG/WebP quality (1..100; WebP
/// above 100 is lossless); <see cref="PngCompression"/> is the PNG zlib level (0..9). Null keeps
/// imgcodecs' defaults (JPEG quality 95).
/// </summary>
public sealed record ImageWriteOptions
{
    public int? Quality { get; init; }
    public int? PngCompression { get; init; }

    public static ImageWriteOptions Default { get; } = new();
}
