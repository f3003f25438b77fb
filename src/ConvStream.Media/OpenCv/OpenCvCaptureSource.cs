using System.Diagnostics;
using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Color;
using ConvStream.Pipeline.Video;
using OpenCvSharp;

namespace ConvStream.Media.OpenCv;

/// <summary>
/// Frames from OpenCvSharp's <see cref="VideoCapture"/>: a video file (its bundled FFmpeg, so no system
/// ffmpeg is needed) or a camera by index or device path. Offline, each frame is decoded straight into
/// the pooled frame it is given (a Mat header over the pool's buffer, made once per buffer), so a steady
/// read costs no managed copy and no allocation. Live (cameras by default), a grab thread reads the
/// device continuously and keeps only the newest frame, because CAP_PROP_BUFFERSIZE alone does not stop
/// stale frames; the frames it replaced are counted in <see cref="DroppedFrames"/>.
/// </summary>
public sealed class OpenCvCaptureSource : IVideoSource
{
    private readonly VideoCapture _capture;
    private readonly string _name;
    private readonly int _channels;
    private readonly Dictionary<Frame, Mat> _views = new(ReferenceEqualityComparer.Instance);
    private Mat? _bgr; // gray output: the BGR frame before conversion
    private long _index;
    private readonly long? _expected;
    private readonly LiveGrabber? _live;

    private OpenCvCaptureSource(VideoCapture capture, string name, VideoInfo info, int channels, long? expected, string granted, bool live)
    {
        _capture = capture;
        _name = name;
        _channels = channels;
        _expected = expected;
        Info = info;
        Granted = granted;
        if (live) _live = new LiveGrabber(capture, name);
    }

    public VideoInfo Info { get; }

    /// <summary>What the device or file actually gives ("640x480 @ 30 fps MJPG, backend V4L2"), for describe and the summary.</summary>
    public string Granted { get; }

    /// <summary>"opencv (FFMPEG)": this backend and OpenCV's own API name for the open capture.</summary>
    public string Backend => $"opencv ({_capture.GetBackendName()})";

    public long DroppedFrames => _live?.Dropped ?? 0;

    /// <summary>Opens a file; an error names the file and the backend before anything else starts.</summary>
    public static OpenCvCaptureSource OpenFile(string path, OpenCvCaptureOptions? options = null)
    {
        options ??= new OpenCvCaptureOptions();
        CheckChannels(path, options.Channels);
        if (!File.Exists(path)) throw new ConvStreamException($"{path}: no such file");
        OpenCvRuntime.EnsureLoaded(path);
        string name = $"{path} (OpenCV backend)";
        var capture = OpenWithTimeout(() => new VideoCapture(path, VideoCaptureAPIs.ANY), name, options.OpenTimeout)
            ?? throw new ConvStreamException($"{path}: OpenCV (backend opencv) cannot open it: not a video its FFmpeg {FfmpegVersionHint} reads; try --backend ffmpeg");
        return Create(capture, path, options, isCamera: false);
    }

    /// <summary>Opens a camera by index ("0") or device path ("/dev/video2"); an error names the camera and the backend.</summary>
    public static OpenCvCaptureSource OpenCamera(string device, OpenCvCaptureOptions? options = null)
    {
        options ??= new OpenCvCaptureOptions();
        CheckChannels($"camera {device}", options.Channels);
        OpenCvRuntime.EnsureLoaded($"camera {device}");
        var (api, apiName) = CameraApi(options.CameraApi, device);
        string name = $"camera {device} (OpenCV {apiName})";
        var capture = OpenWithTimeout(() =>
        {
            var c = new VideoCapture();
            bool opened = int.TryParse(device, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                ? c.Open(index, api) : c.Open(device, api);
            if (!opened) { c.Dispose(); return null; }
            // Requested settings before the first frame: FourCC first (it decides which sizes and rates exist).
            if (options.FourCC is { } fourcc) c.Set(VideoCaptureProperties.FourCC, VideoWriter.FourCC(fourcc));
            if (options.Width is int w) c.Set(VideoCaptureProperties.FrameWidth, w);
            if (options.Height is int h) c.Set(VideoCaptureProperties.FrameHeight, h);
            if (options.FrameRate is double fps) c.Set(VideoCaptureProperties.Fps, fps);
            c.Set(VideoCaptureProperties.BufferSize, 1);
            return c;
        }, name, options.OpenTimeout)
            ?? throw new ConvStreamException($"camera {device}: OpenCV ({apiName}) cannot open it (no such camera, or it is busy); `convstream devices` lists the cameras");
        return Create(capture, $"camera {device}", options, isCamera: true);
    }

    private const string FfmpegVersionHint = "7.1";

    private static OpenCvCaptureSource Create(VideoCapture capture, string name, OpenCvCaptureOptions options, bool isCamera)
    {
        int width = (int)capture.Get(VideoCaptureProperties.FrameWidth), height = (int)capture.Get(VideoCaptureProperties.FrameHeight);
        double fps = capture.Get(VideoCaptureProperties.Fps);
        double count = capture.Get(VideoCaptureProperties.FrameCount);
        if (width <= 0 || height <= 0)
        {
            capture.Dispose();
            throw new ConvStreamException($"{name}: OpenCV ({capture.GetBackendName()}) opened it but reports no frame size");
        }
        if (!(fps > 0 && fps < 1000)) fps = 30;
        var (num, den) = Math.Abs(fps - Math.Round(fps)) < 1e-3 ? ((int)Math.Round(fps), 1) : ((int)Math.Round(fps * 1001), 1001);
        long? frames = !isCamera && count >= 1 ? (long)count : null;
        if (options.MaxFrames is long max && (frames is null || frames > max)) frames = max;
        int fourcc = (int)capture.Get(VideoCaptureProperties.FourCC);
        string fourccText = fourcc > 0 ? new string([(char)(fourcc & 0xFF), (char)((fourcc >> 8) & 0xFF), (char)((fourcc >> 16) & 0xFF), (char)((fourcc >> 24) & 0xFF)]).Trim('\0', ' ') : "";
        string granted = string.Create(CultureInfo.InvariantCulture, $"{width}x{height} @ {fps:0.##} fps{(fourccText.Length > 0 ? " " + fourccText : "")}, backend {capture.GetBackendName()}");
        var info = new VideoInfo
        {
            Width = width, Height = height, Channels = options.Channels,
            FrameRateNumerator = num, FrameRateDenominator = den,
            FrameCount = frames, Duration = frames is long n ? TimeSpan.FromSeconds(n * (double)den / num) : null,
            SourcePath = isCamera ? null : name, IsLive = isCamera,
        };
        return new OpenCvCaptureSource(capture, name, info, options.Channels, isCamera ? null : frames, granted, options.Live ?? isCamera);
    }

    public ValueTask<FrameStamp?> ReadAsync(Frame destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (destination.Width != Info.Width || destination.Height != Info.Height || destination.Channels != _channels || destination.Depth != PixelDepth.U8)
            throw new ConvStreamException($"{_name}: frame {destination.ShapeText} does not fit its {Info.Width}x{Info.Height}x{_channels} u8 frames");
        if (Info.FrameCount is long max && _index >= max) return ValueTask.FromResult<FrameStamp?>(null);
        if (_live is not null) return ReadLiveAsync(destination, cancellationToken);

        var mat = ViewOf(destination);
        bool got;
        try
        {
            if (_channels == 3)
            {
                got = _capture.Read(mat);
                // OpenCV writes into the view when size and type match; if it ever reallocated, copy.
                if (got && mat.Data != destination.Address) throw new ConvStreamException($"{_name}: OpenCV did not decode into the frame buffer");
            }
            else
            {
                _bgr ??= new Mat();
                got = _capture.Read(_bgr);
                if (got) Cv2.CvtColor(_bgr, mat, ColorConversionCodes.BGR2GRAY);
            }
        }
        catch (OpenCVException e)
        {
            throw new ConvStreamException($"{_name}: OpenCV could not decode frame {_index}: {e.ErrMsg}", e);
        }
        catch (OpenCvSharpException e)
        {
            throw new ConvStreamException($"{_name}: OpenCV could not decode frame {_index}: {e.Message}", e);
        }
        if (!got)
        {
            if (_expected is long n && _index < n - 1)
                throw new ConvStreamException($"{_name}: OpenCV could not read frame {_index} of {n}: the file is damaged or cut short there; the {_index} frames before it were processed");
            return ValueTask.FromResult<FrameStamp?>(null);
        }
        long i = _index++;
        var pts = TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond * Info.FrameRateDenominator / Info.FrameRateNumerator);
        return ValueTask.FromResult<FrameStamp?>(new FrameStamp(i, pts, Stopwatch.GetTimestamp()));
    }

    private async ValueTask<FrameStamp?> ReadLiveAsync(Frame destination, CancellationToken cancellationToken)
    {
        var mat = ViewOf(destination);
        long captured = await _live!.TakeNewestAsync(mat, _channels, cancellationToken).ConfigureAwait(false);
        if (captured < 0) return null;
        long i = _index++;
        var pts = TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond * Info.FrameRateDenominator / Info.FrameRateNumerator);
        return new FrameStamp(i, pts, captured);
    }

    private Mat ViewOf(Frame frame)
    {
        // One Mat header per pooled buffer, made on first sight and kept.
        if (!_views.TryGetValue(frame, out var view))
        {
            view = MatView.Of(frame);
            _views[frame] = view;
        }
        return view;
    }

    public async ValueTask DisposeAsync()
    {
        if (_live is not null) await _live.DisposeAsync().ConfigureAwait(false);
        foreach (var mat in _views.Values) mat.Dispose();
        _views.Clear();
        _bgr?.Dispose();
        _capture.Dispose();
    }

    private static void CheckChannels(string name, int channels)
    {
        if (channels is not (1 or 3)) throw new ConvStreamException($"{name}: channels must be 1 (gray) or 3 (BGR), not {channels}");
    }

    private static (VideoCaptureAPIs, string) CameraApi(string? name, string device) => name?.ToLowerInvariant() switch
    {
        null => OperatingSystem.IsWindows() ? (VideoCaptureAPIs.DSHOW, "DSHOW") : OperatingSystem.IsMacOS() ? (VideoCaptureAPIs.AVFOUNDATION, "AVFOUNDATION") : (VideoCaptureAPIs.V4L2, "V4L2"),
        "v4l2" => (VideoCaptureAPIs.V4L2, "V4L2"),
        "dshow" => (VideoCaptureAPIs.DSHOW, "DSHOW"),
        "msmf" => (VideoCaptureAPIs.MSMF, "MSMF"),
        "avfoundation" => (VideoCaptureAPIs.AVFOUNDATION, "AVFOUNDATION"),
        "ffmpeg" => (VideoCaptureAPIs.FFMPEG, "FFMPEG"),
        "gstreamer" => (VideoCaptureAPIs.GSTREAMER, "GSTREAMER"),
        "any" => (VideoCaptureAPIs.ANY, "ANY"),
        _ => throw new ConvStreamException($"camera {device}: camera API '{name}' is not v4l2, dshow, msmf, avfoundation, ffmpeg, gstreamer or any"),
    };

    private static VideoCapture? OpenWithTimeout(Func<VideoCapture?> open, string name, TimeSpan timeout)
    {
        var task = Task.Run(open);
        if (!task.Wait(timeout))
        {
            // Leave the open running: OpenCV offers no way to cancel it. Dispose whatever it returns later.
            _ = task.ContinueWith(t => t.Result?.Dispose(), TaskScheduler.Default);
            throw new ConvStreamException($"{name}: did not open within {timeout.TotalSeconds:0.#} s");
        }
        return task.Result is { } c && c.IsOpened() ? c : Discard(task.Result);
    }

    private static VideoCapture? Discard(VideoCapture? c)
    {
        c?.Dispose();
        return null;
    }
}
