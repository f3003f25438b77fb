namespace ConvStream.Media.Images;

/// <summary>
/// A still-image format ConvStream reads and writes through OpenCV's imgcodecs: its name, the
/// extensions that select it, the channel counts its files can hold, and which quality knob it has.
/// </summary>
public sealed record ImageFormat(string Name, string[] Extensions, int[] WritableChannels, ImageQuality Quality)
{
    public static readonly ImageFormat Png = new("PNG", [".png"], [1, 3, 4], ImageQuality.Compression);
    public static readonly ImageFormat Jpeg = new("JPEG", [".jpg", ".jpeg", ".jpe"], [1, 3], ImageQuality.Quality);
    public static readonly ImageFormat Bmp = new("BMP", [".bmp", ".dib"], [1, 3, 4], ImageQuality.None);
    public static readonly ImageFormat Tiff = new("TIFF", [".tif", ".tiff"], [1, 3, 4], ImageQuality.None);
    public static readonly ImageFormat WebP = new("WebP", [".webp"], [1, 3, 4], ImageQuality.Quality);
    public static readonly ImageFormat Pgm = new("PGM", [".pgm"], [1], ImageQuality.None);
    public static readonly ImageFormat Ppm = new("PPM", [".ppm"], [3], ImageQuality.None);
    public static readonly ImageFormat Pnm = new("PNM", [".pnm"], [1, 3], ImageQuality.None);

    public static IReadOnlyList<ImageFormat> All { get; } = [Png, Jpeg, Bmp, Tiff, WebP, Pgm, Ppm, Pnm];

    /// <summary>The format an extension (".jpg", case-insensitive) selects, or null.</summary>
    public static ImageFormat? OfExtension(string extension)
    {
        foreach (var f in All)
            foreach (var e in f.Extensions)
                if (e.Equals(extension, StringComparison.OrdinalIgnoreCase)) return f;
        return null;
    }

    public bool CanHold(int channels) => Array.IndexOf(WritableChannels, channels) >= 0;

    public string ChannelText => WritableChannels.Length == 1
        ? $"{WritableChannels[0]} channel{(WritableChannels[0] == 1 ? "" : "s")}"
        : string.Join(", ", WritableChannels[..^1]) + " or " + WritableChannels[^1] + " channels";
}

/// <summary>Which encoder setting <see cref="ImageWriteOptions.Quality"/> controls for a format.</summary>
public enum ImageQuality
{
    None,
    /// <summary>JPEG/WebP quality 1..100 (WebP above 100 is lossless), OpenCV's IMWRITE_*_QUALITY.</summary>
    Quality,
    /// <summary>PNG zlib level 0..9 (0 stored, 1–5 fastest, 6–8 optimal, 9 smallest: .NET's four levels).</summary>
    Compression,
}
