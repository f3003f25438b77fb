using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging.Codecs;
using ConvStream.Engine.Io;

namespace ConvStream.Engine.Imaging;

/// <summary>
/// Reads and writes still images by file extension: PNG, PGM/PPM/PNM and .npy. Reading gives what
/// <c>cv2.imread</c> gives (colour as BGR, gray as one channel, alpha dropped); a file whose
/// extension is none of these is recognised by its first bytes. Writing is atomic; an int16 or
/// float32 frame is saturated to 8 bits for PNG/PGM/PPM (OpenCV's rounding) and kept as is in .npy.
/// </summary>
public static class ImageFile
{
    public enum Kind { Png, Pnm, Npy }

    public const string Extensions = ".png, .pgm, .ppm, .pnm or .npy";

    /// <summary>The kind named by the extension, or null for an extension that is none of <see cref="Extensions"/>.</summary>
    public static Kind? KindOfExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => Kind.Png,
        ".pgm" or ".ppm" or ".pnm" => Kind.Pnm,
        ".npy" => Kind.Npy,
        _ => null,
    };

    public static Frame Read(string path)
    {
        byte[] bytes = ReadBytes(path);
        return KindOf(path, bytes) switch
        {
            Kind.Png => PngReader.Decode(bytes, path),
            Kind.Pnm => Pnm.Decode(bytes, path),
            _ => NpyImage.ToFrame(Npy.Parse(bytes, path), path),
        };
    }

    /// <summary>
    /// The format <see cref="Read"/> will return, from the file's header only (PNG: signature and
    /// IHDR; PGM/PPM: the text header; .npy: its header, the file is parsed whole), so a caller can
    /// plan and validate its work before decoding any pixel.
    /// </summary>
    public static FrameFormat ReadFormat(string path)
    {
        byte[] bytes = ReadHeaderBytes(path, out bool whole);
        switch (KindOf(path, bytes))
        {
            case Kind.Png:
                var png = PngReader.ReadHeader(bytes, path);
                return new FrameFormat(png.Width, png.Height, png.OutputChannels, PixelDepth.U8);
            case Kind.Pnm:
                Pnm.Header pnm;
                try { pnm = Pnm.ReadHeader(bytes, path); }
                catch (ConvStreamException) when (!whole)
                {
                    // A header longer than the first block (long comments): read it all and judge again.
                    pnm = Pnm.ReadHeader(ReadBytes(path), path);
                }
                return new FrameFormat(pnm.Width, pnm.Height, pnm.Channels, PixelDepth.U8);
            default:
                if (!whole) bytes = ReadBytes(path);
                var (w, h, c, depth) = NpyImage.FormatOf(Npy.Parse(bytes, path), path);
                return new FrameFormat(w, h, c, depth);
        }
    }

    /// <summary>Checks that a frame of <paramref name="format"/> can be written to <paramref name="path"/>, before any work is done.</summary>
    public static void CheckWritable(string path, FrameFormat format)
    {
        switch (KindOfExtension(path))
        {
            case Kind.Png: PngWriter.CheckWritable(format.Channels, PixelDepth.U8, path); break;
            case Kind.Pnm: Pnm.CheckWritable(path, format.Channels, PixelDepth.U8); break;
            case Kind.Npy: break;
            default: throw UnknownOutput(path);
        }
    }

    /// <summary>Checks only the output's extension (before the format is known).</summary>
    public static void CheckExtension(string path)
    {
        if (KindOfExtension(path) is null) throw UnknownOutput(path);
    }

    public static void Write(string path, Frame frame)
    {
        switch (KindOfExtension(path))
        {
            case Kind.Png:
                PngWriter.CheckWritable(frame.Channels, PixelDepth.U8, path);
                PngWriter.Write(path, SaturateCast.ToU8(frame));
                break;
            case Kind.Pnm:
                Pnm.CheckWritable(path, frame.Channels, PixelDepth.U8);
                Pnm.Write(path, SaturateCast.ToU8(frame));
                break;
            case Kind.Npy:
                Npy.Write(path, NpyImage.FromFrame(frame));
                break;
            default:
                throw UnknownOutput(path);
        }
    }

    private static ConvStreamException UnknownOutput(string path)
        => new($"{path}: unknown image type '{Path.GetExtension(path)}' for output; expected {Extensions}");

    private static Kind KindOf(string path, ReadOnlySpan<byte> bytes)
    {
        if (KindOfExtension(path) is { } kind) return kind;
        if (PngReader.HasSignature(bytes)) return Kind.Png;
        if (Pnm.HasSignature(bytes)) return Kind.Pnm;
        if (bytes.Length >= 6 && bytes[0] == 0x93 && bytes[1..6].SequenceEqual("NUMPY"u8)) return Kind.Npy;
        string ext = Path.GetExtension(path);
        throw new ConvStreamException(ext.Length == 0
            ? $"{path}: not a recognised image (expected {Extensions})"
            : $"{path}: unknown image type '{ext}'; expected {Extensions}");
    }

    private static byte[] ReadBytes(string path)
    {
        try
        {
            if (Directory.Exists(path)) throw new ConvStreamException($"{path}: is a folder, not an image file");
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException) { throw new ConvStreamException($"{path}: file not found"); }
        catch (DirectoryNotFoundException) { throw new ConvStreamException($"{path}: file not found"); }
        catch (UnauthorizedAccessException) { throw new ConvStreamException($"{path}: permission denied"); }
        catch (IOException e) { throw new ConvStreamException($"{path}: cannot read ({e.Message})"); }
    }

    /// <summary>The first few KB (enough for any PNG IHDR or PNM header), or the whole file when it is small.</summary>
    private static byte[] ReadHeaderBytes(string path, out bool whole)
    {
        const int HeaderBytes = 4096;
        try
        {
            if (Directory.Exists(path)) throw new ConvStreamException($"{path}: is a folder, not an image file");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            var buffer = new byte[(int)Math.Min(HeaderBytes, stream.Length)];
            stream.ReadExactly(buffer);
            whole = stream.Length <= HeaderBytes;
            return buffer;
        }
        catch (FileNotFoundException) { throw new ConvStreamException($"{path}: file not found"); }
        catch (DirectoryNotFoundException) { throw new ConvStreamException($"{path}: file not found"); }
        catch (UnauthorizedAccessException) { throw new ConvStreamException($"{path}: permission denied"); }
        catch (IOException e) { throw new ConvStreamException($"{path}: cannot read ({e.Message})"); }
    }
}
