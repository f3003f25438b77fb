namespace ConvStream.Engine.Imaging;

/// <summary>The element type of a frame's samples: OpenCV's CV_8U, CV_16S and CV_32F.</summary>
public enum PixelDepth { U8, S16, F32 }

/// <summary>Sizes, names and parsing of <see cref="PixelDepth"/>.</summary>
public static class PixelDepths
{
    /// <summary>Bytes per sample: 1, 2 or 4.</summary>
    public static int Size(this PixelDepth d) => d switch { PixelDepth.U8 => 1, PixelDepth.S16 => 2, _ => 4 };

    /// <summary>Parses u8, s16 or f32 (and OpenCV's names); an error names <paramref name="what"/>.</summary>
    public static PixelDepth Parse(string text, string what = "depth") => text.Trim().ToLowerInvariant() switch
    {
        "u8" or "uint8" or "8u" or "cv_8u" => PixelDepth.U8,
        "s16" or "int16" or "16s" or "cv_16s" => PixelDepth.S16,
        "f32" or "float32" or "32f" or "cv_32f" => PixelDepth.F32,
        _ => throw new ConvStreamException($"{what} '{text}' is not u8, s16 or f32"),
    };

    /// <summary>The lower-case name: u8, s16, f32.</summary>
    public static string Name(this PixelDepth d) => d.ToString().ToLowerInvariant();
}
