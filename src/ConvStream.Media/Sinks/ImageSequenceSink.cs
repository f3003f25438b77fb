using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;
using ConvStream.Engine.Filters;
using ConvStream.Media.Images;
using ConvStream.Media.Sources;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sinks;

/// <summary>
/// Writes each frame as an image file (PNG, JPEG, BMP, TIFF, WebP, PGM/PPM: the pattern's extension
/// decides) through OpenCV's imgcodecs, named by a printf pattern with one integer field, starting at
/// 0: <c>out/frame_%05d.png</c> → out/frame_00000.png, out/frame_00001.png … Each file is written
/// atomically (temp name, rename). A live recording keeps one file per slot of the source's
/// constant frame rate, as video files do (<see cref="FrameSlots"/>): slots that dropped frames left
/// empty get a copy of the previous image, so file n is always the picture at n / rate.
/// </summary>
public sealed class ImageSequenceSink : IVideoSink, IFileOutput
{
    private readonly ImageSequencePattern _pattern;
    private int _width, _height, _channels;
    private bool _opened;

    private readonly ImageWriteOptions _options;
    private readonly bool? _fillDroppedFrames;
    private FrameSlots? _slots;

    /// <param name="fillDroppedFrames">Copy the previous image into slots dropped frames left empty; null: when the source is live.</param>
    public ImageSequenceSink(string pattern, ImageWriteOptions? options = null, bool? fillDroppedFrames = null)
    {
        _pattern = new ImageSequencePattern(pattern);
        _options = options ?? ImageWriteOptions.Default;
        _fillDroppedFrames = fillDroppedFrames;
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
    /// <summary>Images that are copies of the one before, covering frames a live run dropped (included in <see cref="FramesWritten"/>).</summary>
    public long FramesRepeated { get; private set; }

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
    {
        ImageFile.CheckWritable(Description, new FrameFormat(width, height, channels, PixelDepth.U8));
        _width = width; _height = height; _channels = channels;
        if (_fillDroppedFrames ?? source.IsLive) _slots = new FrameSlots(source.FrameRateNumerator, source.FrameRateDenominator);
        _opened = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        if (!_opened) throw new InvalidOperationException($"{Description}: WriteAsync before OpenAsync");
        if (frame.Width != _width || frame.Height != _height || frame.Channels != _channels || frame.Depth != PixelDepth.U8)
            throw new ConvStreamException($"{Description}: frame {frame.ShapeText} does not match the opened {_width}x{_height}x{_channels} u8 stream");
        long repeats = _slots?.RepeatsBefore(stamp.Pts) ?? 0;
        // Empty slots before this frame: copies of the previous image (before the first frame there
        // is none: copies of the first one follow it).
        bool first = FramesWritten == 0;
        if (!first) CopyPrevious(repeats);
        ImageFile.Write(PathOf(FramesWritten), frame, _options);
        FramesWritten++;
        if (first) CopyPrevious(repeats);
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes <paramref name="count"/> copies of the last image written (atomically, as every image), without encoding it again.</summary>
    private void CopyPrevious(long count)
    {
        for (; count > 0; count--)
        {
            string previous = PathOf(FramesWritten - 1);
            AtomicFile.Write(PathOf(FramesWritten), s =>
            {
                using var from = new FileStream(previous, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                from.CopyTo(s);
            });
            FramesWritten++;
            FramesRepeated++;
        }
    }

    /// <summary>The file frame <paramref name="index"/> goes to.</summary>
    public string PathOf(long index) => _pattern.PathOf(index);

    public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
