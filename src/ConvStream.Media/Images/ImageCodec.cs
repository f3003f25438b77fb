using System.Runtime.CompilerServices;
using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Imaging.Codecs;
using ConvStream.Media.OpenCv;
using OpenCvSharp;

namespace ConvStream.Media.Images;

/// <summary>
/// Still images in memory through OpenCV's imgcodecs: <see cref="Encode"/> turns a frame into the
/// bytes of a JPEG, PNG, BMP, TIFF, WebP or PGM/PPM file; <see cref="Decode"/> turns such bytes into
/// a frame as <c>cv2.imread(path, cv2.IMREAD_ANYCOLOR)</c> does: colour as BGR (alpha dropped),
/// gray as one channel, 16-bit scaled to 8, EXIF orientation applied. The declared size is checked
/// against <see cref="ImageHeader"/>'s limits before the decoder sees the bytes.
/// </summary>
public static class ImageCodec
{
    /// <summary>The bytes of an image file of the format <paramref name="extension"/> names (".jpg", "png" …).</summary>
    /// <param name="quality">JPEG/WebP quality 1..100 (WebP above 100: lossless); for PNG the zlib level 0..9. Null: OpenCV's default.</param>
    public static byte[] Encode(Frame frame, string extension, int? quality = null)
    {
        string ext = extension.StartsWith('.') ? extension : "." + extension;
        var format = ImageFormat.OfExtension(ext)
            ?? throw new ConvStreamException($"cannot encode '{extension}': expected {ImageFile.CodecExtensions}");
        var options = format.Quality == ImageQuality.Compression
            ? new ImageWriteOptions { PngCompression = quality }
            : new ImageWriteOptions { Quality = quality };
        return Encode(frame, format, options, $"'{ext}' image");
    }

    internal static byte[] Encode(Frame frame, ImageFormat format, ImageWriteOptions options, string name)
    {
        if (!format.CanHold(frame.Channels))
            throw new ConvStreamException($"{name}: a {format.Name} holds {format.ChannelText} but the frame has {frame.Channels}");
        int[] parameters = Parameters(format, options, name);
        var u8 = SaturateCast.ToU8(frame); // OpenCV's saturate_cast: what cv2.imwrite does with an int16/float result after .astype
        if (format == ImageFormat.Png)
        {
            // ConvStream's own encoder: ~5× faster than libpng here (PngWriter says why it is kept).
            var png = new MemoryStream();
            Png.PngWriter.Encode(png, u8, ZlibLevel(options.PngCompression));
            return png.ToArray();
        }
        OpenCvRuntime.EnsureLoaded(name);
        using var mat = MatView.Of(u8);
        try
        {
            if (!Cv2.ImEncode(format.Extensions[0], mat, out byte[] bytes, parameters))
                throw new ConvStreamException($"{name}: OpenCV's {format.Name} encoder refused a {frame.ShapeText} frame");
            return bytes;
        }
        catch (OpenCVException e)
        {
            throw new ConvStreamException($"{name}: OpenCV's {format.Name} encoder failed: {e.ErrMsg}", e);
        }
        finally
        {
            GC.KeepAlive(u8);
        }
    }

    /// <summary>Decodes the bytes of an image file; <paramref name="name"/> (usually its path) starts every error.</summary>
    public static Frame Decode(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length == 0) throw new ConvStreamException($"{name}: empty file, not an image");
        var header = ImageHeader.Sniff(bytes);
        header?.CheckLimits(name);
        OpenCvRuntime.EnsureLoaded(name);
        Mat decoded;
        string decoderSaid;
        try
        {
            byte[] copy = bytes.ToArray(); // the capture's lambda cannot hold a span
            decoded = NativeStderr.Capture(() => Cv2.ImDecode(copy, ImreadModes.AnyColor), out decoderSaid);
        }
        catch (OpenCVException e)
        {
            throw new ConvStreamException($"{name}: OpenCV cannot decode it: {e.ErrMsg}", e);
        }
        using (decoded)
        {
            if (decoded.Empty())
            {
                string? format = header?.Format ?? ImageFormat.OfExtension(Path.GetExtension(name))?.Name;
                string what = format is not null ? $"a damaged or truncated {format} file" : $"not an image OpenCV can read; expected {ImageFile.Extensions}";
                string said = LastDecoderLine(decoderSaid);
                throw new ConvStreamException($"{name}: OpenCV cannot decode it ({what}{(said.Length > 0 ? $": {said}" : "")})");
            }
            return MatView.CopyToFrame(decoded, name);
        }
    }

    // "libpng error: IDAT: incorrect data check" → "libpng: IDAT: incorrect data check"; OpenCV's own
    // log lines ("[ WARN:0@0.2] global grfmt_png.cpp:779 … PNG input buffer is incomplete") lose their prefix.
    private static string LastDecoderLine(string text)
    {
        string line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        if (line.StartsWith('[') && line.IndexOf(']') is int close and > 0)
        {
            line = line[(close + 1)..].Trim();
            var words = line.Split(' ', 4);
            if (words.Length == 4 && words[0] == "global") line = words[3]; // "global FILE:LINE FUNCTION message"
        }
        // "OpenCV(4.13.0) /path/bitstrm.cpp:59: error: (-2:Unspecified error) Unexpected end of input stream in function 'readBlock'"
        line = System.Text.RegularExpressions.Regex.Replace(line, @"OpenCV\([^)]*\) \S+: error: \([^)]*\) (.*?)( in function '[^']*')?$", "$1");
        return line.Replace("libpng error: ", "libpng: ", StringComparison.Ordinal);
    }

    // zlib's 0..9 onto .NET's four levels: 0 stored, 1–5 fastest (the default), 6–8 optimal, 9 smallest.
    private static System.IO.Compression.CompressionLevel ZlibLevel(int? level) => level switch
    {
        0 => System.IO.Compression.CompressionLevel.NoCompression,
        null or <= 5 => System.IO.Compression.CompressionLevel.Fastest,
        <= 8 => System.IO.Compression.CompressionLevel.Optimal,
        _ => System.IO.Compression.CompressionLevel.SmallestSize,
    };

    private static int[] Parameters(ImageFormat format, ImageWriteOptions options, string name)
    {
        var p = new List<int>(4);
        if (options.Quality is int q)
        {
            if (format.Quality != ImageQuality.Quality)
                throw new ConvStreamException($"{name}: a quality applies to JPEG and WebP, not {format.Name}");
            int max = format == ImageFormat.WebP ? 101 : 100;
            if (q < 1 || q > max) throw new ConvStreamException($"{name}: {format.Name} quality {q} must be 1..{max}{(max == 101 ? " (101 = lossless)" : "")}");
            p.AddRange([(int)(format == ImageFormat.Jpeg ? ImwriteFlags.JpegQuality : ImwriteFlags.WebPQuality), q]);
        }
        if (options.PngCompression is int c)
        {
            if (format.Quality != ImageQuality.Compression)
                throw new ConvStreamException($"{name}: a compression level applies to PNG, not {format.Name}");
            if (c is < 0 or > 9) throw new ConvStreamException($"{name}: PNG compression {c} must be 0..9");
            p.AddRange([(int)ImwriteFlags.PngCompression, c]);
        }
        return [.. p];
    }
}
