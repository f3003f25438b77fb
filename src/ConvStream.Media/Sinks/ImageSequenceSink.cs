using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Filters;
using ConvStream.Media.Images;
using ConvStream.Media.Sources;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sinks;

/// <summary>
/// Writes each frame as an image file (PNG, JPEG, BMP, TIFF, WebP, PGM/PPM: the pattern's extension
/// decides) through OpenCV's imgcodecs, named by a printf pattern with one integer field, starting at
/// 0: <c>out/frame_%05d.png</c> → out/frame_00000.png, out/frame_00001.png … Each file is written
/// atomically (temp name, rename).
/// </summary>
public sealed class ImageSequenceSink : IVideoSink, IFileOutput
{
    private readonly ImageSequencePattern _pattern;
    private int _width, _height, _channels;
    private bool _opened;

    private readonly ImageWriteOptions _options;

    public ImageSequenceSink(string pattern, ImageWriteOptions? options = null)
    {
        _pattern = new ImageSequencePattern(pattern);
        _options = options ?? ImageWriteOptions.Default;
        if (ImageFormat.OfExtension(Path.GetExtension(pattern)) is null || Path.GetExtension(pattern).Equals(".npy", StringComparison.OrdinalIgnoreCase))
            throw new ConvStreamException($"{pattern}: image sequences are written as {ImageFile.CodecExtensions} files");
        ImageFile.CheckOptions(pattern, _options);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(pattern));
        if (dir is not null && !Directory.Exists(dir)) throw new ConvStreamException($"{pattern}: output folder {dir} does not exist");
        Description = pattern;
    }

    public string Description { get; }
    public long FramesWritten { get; private set; }
    /// <summary>Each image is written atomically, so the ones written are whole and kept.</summary>
    public bool Kept => FramesWritten > 0;

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
    {
        ImageFile.CheckWritable(Description, new FrameFormat(width, height, channels, PixelDepth.U8));
        _width = width; _height = height; _channels = channels;
        _opened = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        if (!_opened) throw new InvalidOperationException($"{Description}: WriteAsync before OpenAsync");
        if (frame.Width != _width || frame.Height != _height || frame.Channels != _channels || frame.Depth != PixelDepth.U8)
            throw new ConvStreamException($"{Description}: frame {frame.ShapeText} does not match the opened {_width}x{_height}x{_channels} u8 stream");
        ImageFile.Write(PathOf(FramesWritten), frame, _options);
        FramesWritten++;
        return ValueTask.CompletedTask;
    }

    /// <summary>The file frame <paramref name="index"/> goes to.</summary>
    public string PathOf(long index) => _pattern.PathOf(index);

    public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
