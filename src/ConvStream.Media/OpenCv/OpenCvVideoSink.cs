using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Sinks;
using ConvStream.Pipeline.Video;
using OpenCvSharp;

namespace ConvStream.Media.OpenCv;

/// <summary>
/// A video file written in-process by OpenCV's VideoWriter (its bundled FFmpeg): <c>.mp4</c>/<c>.mov</c>
/// as MPEG-4 Part 2 (mp4v), <c>.avi</c> as MJPEG, <c>.mkv</c> as FFV1 (lossless). That build has no
/// H.264 encoder and never writes audio (ffmpeg outputs do both). The file is written under a temporary
/// name beside the target and renamed when complete, so a failure leaves nothing behind; a codec the
/// writer cannot open is an error naming the output and the backend before any file exists. From a live
/// source, slots that dropped frames left empty hold the frame before (<see cref="FrameSlots"/>), as the
/// ffmpeg outputs do, so the recording lasts as long as the run.
/// </summary>
public sealed class OpenCvVideoSink : IVideoSink, IFileOutput
{
    private readonly string _path, _temp;
    private VideoWriter? _writer;
    private Mat? _bgr;
    private bool _completed;
    private FrameSlots? _slots;
    /// <summary>The last picture written, kept only when dropped slots may have to repeat it.</summary>
    private Mat? _previous;

    public OpenCvVideoSink(string path)
    {
        _path = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(_path);
        if (dir is not null && !Directory.Exists(dir)) throw new ConvStreamException($"{path}: output folder {dir} does not exist");
        (FourCCText, Codec) = CodecOf(path);
        _temp = Path.Combine(dir ?? ".", $".{Path.GetFileNameWithoutExtension(_path)}.{Environment.ProcessId}.{Guid.NewGuid():N}{Path.GetExtension(_path)}");
        Description = path;
    }

    public string Description { get; }
    public string FourCCText { get; }
    /// <summary>What the file will hold, e.g. "MPEG-4 Part 2 (mp4v)".</summary>
    public string Codec { get; }
    public long FramesWritten { get; private set; }
    /// <summary>Of <see cref="FramesWritten"/>, the repeats of the frame before that fill slots a live run dropped.</summary>
    public long FramesRepeated { get; private set; }
    /// <summary>True once the file is complete under its final name.</summary>
    public bool Kept { get; private set; }

    /// <summary>The FourCC and codec name VideoWriter uses for an extension; an error for one it cannot write.</summary>
    public static (string FourCC, string Codec) CodecOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".mp4" or ".mov" or ".m4v" => ("mp4v", "MPEG-4 Part 2 (mp4v)"),
        ".avi" => ("MJPG", "MJPEG"),
        ".mkv" => ("FFV1", "FFV1, lossless"),
        var ext => throw new ConvStreamException($"{path}: OpenCV's VideoWriter (backend opencv) writes .mp4/.mov (mp4v), .avi (MJPG) or .mkv (FFV1), not '{ext}'; use --backend ffmpeg"),
    };

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
    {
        if (channels is not (1 or 3)) throw new ConvStreamException($"{Description}: a video holds 1 (gray) or 3 (BGR) channels, not {channels}");
        OpenCvRuntime.EnsureLoaded(Description);
        double fps = source.FrameRate > 0 ? source.FrameRate : 30;
        var writer = new VideoWriter(_temp, VideoCaptureAPIs.FFMPEG, FourCC.FromString(FourCCText), fps, new Size(width, height), isColor: true);
        if (!writer.IsOpened())
        {
            writer.Dispose();
            TryDelete(_temp);
            throw new ConvStreamException($"{Description}: OpenCV's VideoWriter (backend opencv) cannot write {Codec} at {width}x{height}");
        }
        _writer = writer;
        if (source.IsLive) _slots = new FrameSlots(source.FrameRateNumerator, source.FrameRateDenominator);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        if (_writer is null) throw new InvalidOperationException($"{Description}: WriteAsync before OpenAsync");
        if (frame.Depth != PixelDepth.U8) throw new ConvStreamException($"{Description}: frame {frame.ShapeText} is not 8-bit");
        using var view = MatView.Of(frame);
        Mat picture = view;
        if (frame.Channels == 1)
        {
            _bgr ??= new Mat();
            Cv2.CvtColor(view, _bgr, ColorConversionCodes.GRAY2BGR);
            picture = _bgr;
        }
        // Empty slots before this frame: the previous picture again (before the first frame, this one).
        if (_slots is not null) Repeat(_previous ?? picture, _slots.RepeatsBefore(stamp.Pts));
        _writer.Write(picture);
        FramesWritten++;
        if (_slots is not null) picture.CopyTo(_previous ??= new Mat());
        return ValueTask.CompletedTask;
    }

    private void Repeat(Mat picture, long count)
    {
        for (; count > 0; count--)
        {
            _writer!.Write(picture);
            FramesWritten++;
            FramesRepeated++;
        }
    }

    /// <summary>Closes the container (its index is written on release) and renames it into place.</summary>
    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed) return ValueTask.CompletedTask;
        _completed = true;
        if (_writer is null) return ValueTask.CompletedTask;
        _writer.Release();
        _writer.Dispose();
        _writer = null;
        _bgr?.Dispose();
        _previous?.Dispose();
        if (FramesWritten == 0) { TryDelete(_temp); return ValueTask.CompletedTask; }
        File.Move(_temp, _path, overwrite: true);
        Kept = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => CompleteAsync(CancellationToken.None);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
