using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Ffmpeg;
using ConvStream.Media.Sources;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sinks;

/// <summary>
/// Writes each frame as a PNG (lossless, BGR or gray) named by a printf pattern with one integer
/// field, starting at 0: <c>out/frame_%05d.png</c> → out/frame_00000.png, out/frame_00001.png …
/// Encoding goes through ffmpeg's image2 muxer (one child for the whole sequence).
/// </summary>
public sealed class ImageSequenceSink : IVideoSink
{
    private readonly ImageSequencePattern _pattern;
    private readonly string? _ffmpegPath;
    private ChildProcess? _child;
    private byte[]? _packed;
    private int _width, _height, _channels;
    private bool _completed;

    public ImageSequenceSink(string pattern, string? ffmpegPath = null)
    {
        _pattern = new ImageSequencePattern(pattern);
        string ext = Path.GetExtension(pattern).ToLowerInvariant();
        if (ext != ".png") throw new ConvStreamException($"{pattern}: image sequences are written as .png");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(pattern));
        if (dir is not null && !Directory.Exists(dir)) throw new ConvStreamException($"{pattern}: output folder {dir} does not exist");
        _ffmpegPath = ffmpegPath;
        Description = pattern;
    }

    public string Description { get; }
    public long FramesWritten { get; private set; }

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
    {
        if (channels is not (1 or 3)) throw new ConvStreamException($"{Description}: PNG frames are gray or BGR, not {channels} channels");
        _width = width; _height = height; _channels = channels;
        string ffmpeg = FfmpegLocator.Find("ffmpeg", _ffmpegPath);
        var args = new List<string> { "-hide_banner", "-nostats", "-loglevel", "level+warning", "-y",
            "-f", "rawvideo", "-pix_fmt", channels == 3 ? "bgr24" : "gray", "-video_size", $"{width}x{height}",
            "-framerate", $"{Math.Max(1, source.FrameRateNumerator)}/{Math.Max(1, source.FrameRateDenominator)}", "-i", "pipe:0",
            "-c:v", "png", "-pix_fmt", channels == 3 ? "rgb24" : "gray", "-start_number", "0", "-f", "image2", _pattern.Pattern };
        _child = ChildProcess.Start(ffmpeg, args, $"ffmpeg writing {Description}", redirectStdin: true, redirectStdout: false);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        var child = _child ?? throw new InvalidOperationException($"{Description}: WriteAsync before OpenAsync");
        if (frame.Width != _width || frame.Height != _height || frame.Channels != _channels || frame.Depth != PixelDepth.U8)
            throw new ConvStreamException($"{Description}: frame {frame.ShapeText} does not match the opened {_width}x{_height}x{_channels} u8 stream");
        var stdin = child.Stdin ?? throw new ConvStreamException($"{Description}: already completed");
        try
        {
            _packed ??= new byte[frame.RowBytes * frame.Height];
            frame.CopyToPacked(_packed);
            stdin.Write(_packed);
        }
        catch (IOException)
        {
            child.WaitForExit(TimeSpan.FromSeconds(10));
            throw new ConvStreamException($"{Description}: the PNG writer stopped after {FramesWritten} frames: {child.Stderr.Quote()}");
        }
        FramesWritten++;
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed || _child is null) return ValueTask.CompletedTask;
        _completed = true;
        _child.CloseStdin();
        bool exited = _child.WaitForExit(TimeSpan.FromSeconds(60));
        if (!exited) _child.Kill();
        int code = exited ? _child.ExitCode : -1;
        string tail = _child.Stderr.Quote();
        _child.Dispose();
        if (code != 0) throw new ConvStreamException($"{Description}: writing PNGs failed (exit code {code}): {tail}");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        try { await CompleteAsync(CancellationToken.None); }
        catch (ConvStreamException) { }
    }

    /// <summary>The file frame <paramref name="index"/> goes to.</summary>
    public string PathOf(long index) => _pattern.PathOf(index);
}
