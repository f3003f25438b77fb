using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Imaging.Codecs;
using ConvStream.Engine.Io;

namespace ConvStream.Media.Images;

/// <summary>
/// Reads and writes still images by file extension: JPEG, PNG, BMP, TIFF, WebP and PGM/PPM/PNM
/// through OpenCV's imgcodecs (<see cref="ImageCodec"/>), and .npy natively. Reading gives what
/// <c>cv2.imread(path, cv2.IMREAD_ANYCOLOR)</c> gives (colour as BGR, gray as one channel, alpha
/// dropped, EXIF orientation applied); a file whose extension is none of these is recognised by its
/// first bytes. Writing is atomic; an int16 or float32 frame is saturated to 8 bits for the image
/// formats (OpenCV's saturate_cast) and kept as is in .npy.
/// </summary>
public static class ImageFile
{
    public const string Extensions = ".jpg, .png, .bmp, .tif, .webp, .pgm, .ppm, .pnm or .npy";
    internal const string CodecExtensions = ".jpg, .png, .bmp, .tif, .webp, .pgm, .ppm or .pnm";

    /// <summary>True for an extension this class reads and writes.</summary>
    public static bool IsImageExtension(string path)
        => IsNpy(path) || ImageFormat.OfExtension(Path.GetExtension(path)) is not null;

    public static Frame Read(string path)
    {
        byte[] bytes = ReadBytes(path);
        if (IsNpy(path) || (ImageFormat.OfExtension(Path.GetExtension(path)) is null && IsNpyBytes(bytes)))
            return NpyImage.ToFrame(Npy.Parse(bytes, path), path);
        if (ImageFormat.OfExtension(Path.GetExtension(path)) is null && ImageHeader.Sniff(bytes) is null)
            throw UnknownInput(path);
        return ImageCodec.Decode(bytes, path);
    }

    /// <summary>
    /// The format <see cref="Read"/> will return. For .npy from its header; for the image formats the
    /// declared size is checked first, then the file is decoded: the frame's channels and orientation
    /// (EXIF) are only known once OpenCV has read it.
    /// </summary>
    public static FrameFormat ReadFormat(string path)
    {
        if (IsNpy(path))
        {
            var (w, h, c, depth) = NpyImage.FormatOf(Npy.Parse(ReadBytes(path), path), path);
            return new FrameFormat(w, h, c, depth);
        }
        return FrameFormat.Of(Read(path));
    }

    /// <summary>Checks that a frame of <paramref name="format"/> can be written to <paramref name="path"/>, before any work is done.</summary>
    public static void CheckWritable(string path, FrameFormat format)
    {
        if (IsNpy(path)) return;
        var f = FormatOf(path);
        if (!f.CanHold(format.Channels))
            throw new ConvStreamException($"{path}: a {f.Name} holds {f.ChannelText} but the result has {format.Channels}; write .npy to keep every channel");
    }

    /// <summary>Checks only the output's extension (before the format is known).</summary>
    public static void CheckExtension(string path) => _ = IsNpy(path) ? null : FormatOf(path);

    /// <summary>Checks the output's extension and encoder options together (before any work).</summary>
    public static void CheckOptions(string path, ImageWriteOptions options)
    {
        if (IsNpy(path))
        {
            if (options.Quality is not null || options.PngCompression is not null)
                throw new ConvStreamException($"{path}: .npy keeps the raw result; a quality or compression applies to JPEG/WebP/PNG outputs");
            return;
        }
        var f = FormatOf(path);
        if (options.Quality is not null && f.Quality != ImageQuality.Quality)
            throw new ConvStreamException($"{path}: a quality applies to JPEG and WebP outputs, not {f.Name}");
        if (options.PngCompression is not null && f.Quality != ImageQuality.Compression)
            throw new ConvStreamException($"{path}: a compression level applies to PNG outputs, not {f.Name}");
    }

    public static void Write(string path, Frame frame, ImageWriteOptions? options = null)
    {
        if (IsNpy(path))
        {
            Npy.Write(path, NpyImage.FromFrame(frame));
            return;
        }
        var f = FormatOf(path);
        CheckWritable(path, FrameFormat.Of(frame));
        byte[] bytes = ImageCodec.Encode(frame, f, options ?? ImageWriteOptions.Default, path);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    private static bool IsNpy(string path) => Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase);

    private static bool IsNpyBytes(ReadOnlySpan<byte> b) => b.Length >= 6 && b[0] == 0x93 && b[1..6].SequenceEqual("NUMPY"u8);

    private static ImageFormat FormatOf(string path)
        => ImageFormat.OfExtension(Path.GetExtension(path))
           ?? throw new ConvStreamException($"{path}: unknown image type '{Path.GetExtension(path)}' for output; expected {Extensions}");

    private static ConvStreamException UnknownInput(string path)
    {
        string ext = Path.GetExtension(path);
        return new ConvStreamException(ext.Length == 0
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
        catch (FileNotFoundException e) { throw new ConvStreamException($"{path}: file not found", e); }
        catch (DirectoryNotFoundException e) { throw new ConvStreamException($"{path}: file not found", e); }
        catch (UnauthorizedAccessException e) { throw new ConvStreamException($"{path}: permission denied", e); }
        catch (IOException e) { throw new ConvStreamException($"{path}: cannot read ({e.Message})", e); }
    }
}
