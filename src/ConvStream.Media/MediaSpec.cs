using System.Globalization;
using ConvStream.Engine;
using ConvStream.Media.Ffmpeg;
using ConvStream.Media.OpenCv;
using ConvStream.Media.Preview;
using ConvStream.Media.Sinks;
using ConvStream.Media.Sources;
using ConvStream.Media.Y4m;
using ConvStream.Pipeline.Outputs;
using ConvStream.Pipeline.Synthetic;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media;

/// <summary>
/// The one grammar of sources and sinks users type (pipeline files, --input, the CLI):
/// <list type="bullet">
/// <item>sources: <c>in.mp4</c> (any video file; ffmpeg or OpenCV by backend), <c>clip.y4m</c> (native),
/// <c>frames/f_%05d.png</c> (imgcodecs), <c>webcam[:N|NAME|/dev/videoN]</c> or <c>camera:…</c>,
/// <c>test[:WxH@FPS]</c> (the in-memory synthetic pattern), <c>testsrc[:WxH@FPS]</c> / <c>testsrc2[:…]</c>
/// (ffmpeg's testsrc2), <c>live:testsrc:WxH@FPS</c> (paced like a camera), <c>lavfi:GRAPH</c>;</item>
/// <item>sinks: <c>out.mp4</c>/<c>.mov</c>/<c>.mkv</c>/<c>.webm</c>/<c>.avi</c>, <c>out.y4m</c>, <c>out/f_%05d.png</c>,
/// <c>null</c>, <c>preview</c> or <c>preview:TITLE</c>.</item>
/// </list>
/// </summary>
public static class MediaSpec
{
    public static IVideoSource OpenSource(string spec, int channels = 3, string? ffmpegPath = null, double imageSequenceRate = 30)
        => OpenSource(spec, new SourceRequest { Channels = channels, FfmpegPath = ffmpegPath, ImageSequenceRate = imageSequenceRate });

    public static IVideoSource OpenSource(string spec, SourceRequest request)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new ConvStreamException("source is empty");
        string s = spec.Trim();
        bool live = request.Live;
        if (s.StartsWith("live:", StringComparison.Ordinal)) { live = true; s = s[5..]; }
        long? testFrames = request.Frames ?? (live ? null : request.TestFrames);
        if (SyntheticSource.TryParse(s, testFrames, paced: live, request.Channels) is { } synthetic) return synthetic;

        int colon = s.IndexOf(':');
        string kind = (colon < 0 ? s : s[..colon]).ToLowerInvariant();
        string rest = colon < 0 ? "" : s[(colon + 1)..];
        if (kind is "testsrc" or "testsrc2")
        {
            var o = new TestSourceOptions { Channels = request.Channels, FfmpegPath = request.FfmpegPath, Live = live, FrameCount = testFrames };
            return TestSource.Open(rest.Length > 0 ? ParseSizeRate(rest, o, spec) : o);
        }
        if (kind == "lavfi")
            return TestSource.Open(new TestSourceOptions { Channels = request.Channels, FfmpegPath = request.FfmpegPath, Live = live, Graph = rest, FrameCount = request.Frames });
        if (kind is "webcam" or "camera") return OpenCamera(rest.Length == 0 ? "0" : rest, request);
        if (live) throw new ConvStreamException($"source '{spec}': live: applies to testsrc and lavfi sources only");

        string path = Path.IsPathRooted(s) ? s : Path.GetFullPath(Path.Combine(request.BaseDirectory, s));
        if (ImageSequencePattern.IsPattern(s))
        {
            var (num, den) = FrameRate.Rational(request.ImageSequenceRate);
            return ImageSequenceSource.Open(path, num, den, new SourceOptions { Channels = request.Channels, FfmpegPath = request.FfmpegPath });
        }
        if (!File.Exists(path))
            throw new ConvStreamException($"{s}: input file not found{(Path.IsPathRooted(s) ? "" : $" (looked in {request.BaseDirectory})")}; expected a video file, webcam[:N] or test[:WxH@FPS]");
        if (path.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase)) return Y4mSource.Open(path, request.Channels);
        return FileBackend(request) == MediaBackend.OpenCv
            ? OpenCvCaptureSource.OpenFile(path, new OpenCvCaptureOptions { Channels = request.Channels, MaxFrames = request.Frames, OpenTimeout = request.OpenTimeout })
            : VideoFileSource.Open(path, new FileSourceOptions { Channels = request.Channels, FfmpegPath = request.FfmpegPath, MaxFrames = request.Frames, StopOnDecodeError = request.StopOnDecodeError, Start = request.Start });
    }

    /// <summary>The backend a source spec will be read with, without opening it (for describe): "ffmpeg", "opencv", "native (y4m)", …</summary>
    public static string BackendOf(string spec, SourceRequest request)
    {
        string s = spec.Trim();
        if (s.StartsWith("live:", StringComparison.Ordinal)) s = s[5..];
        if (SyntheticSource.TryParse(s, 1, false) is not null) return "synthetic (in memory)";
        string kind = s.Split(':')[0].ToLowerInvariant();
        if (kind is "testsrc" or "testsrc2" or "lavfi") return "ffmpeg (lavfi)";
        if (kind is "webcam" or "camera") return CameraBackend(s[(kind.Length + (s.Length > kind.Length ? 1 : 0))..], request) == MediaBackend.OpenCv ? "opencv (camera)" : "ffmpeg (camera)";
        if (ImageSequencePattern.IsPattern(s)) return Images.ImageFormat.OfExtension(Path.GetExtension(s)) is not null ? "opencv (imgcodecs)" : "ffmpeg (image2)";
        if (s.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase)) return "native (y4m)";
        return FileBackend(request) == MediaBackend.OpenCv ? "opencv (VideoCapture)" : "ffmpeg";
    }

    /// <summary>The backend an open source reads with ("ffmpeg", "opencv (FFMPEG)", …), for run summaries.</summary>
    public static string BackendOf(IVideoSource source) => source switch
    {
        OpenCvCaptureSource c => c.Backend,
        ImageFilesSource => "opencv (imgcodecs)",
        FfmpegPipeSource or LiveFfmpegSource => "ffmpeg",
        Y4mSource => "native (y4m)",
        SyntheticSource => "synthetic (in memory)",
        MatSource => "Mats from the caller",
        _ => source.GetType().Name,
    };

    private static IVideoSource OpenCamera(string device, SourceRequest request)
    {
        if (CameraBackend(device, request) == MediaBackend.OpenCv)
            return OpenCvCaptureSource.OpenCamera(device, new OpenCvCaptureOptions
            {
                Channels = request.Channels, Width = request.Width, Height = request.Height, FrameRate = request.FrameRate,
                FourCC = request.FourCC, CameraApi = request.CameraApi, OpenTimeout = request.OpenTimeout,
            });
        string? pixelFormat = request.FourCC?.ToUpperInvariant() switch { null => null, "MJPG" => "mjpeg", "YUYV" => "yuyv422", "H264" => "h264", var other => other.ToLowerInvariant() };
        return CameraSource.Open(device, new CameraOptions
        {
            Channels = request.Channels, FfmpegPath = request.FfmpegPath, FrameRate = request.FrameRate, PixelFormat = pixelFormat,
            Size = request.Width is int w && request.Height is int h ? (w, h) : null,
        });
    }

    // Files: ffmpeg decodes faster here (README, "Choosing a backend"); OpenCV's bundled FFmpeg when there is no ffmpeg.
    private static MediaBackend FileBackend(SourceRequest r)
        => r.Backend != MediaBackend.Auto ? r.Backend : HasFfmpeg(r.FfmpegPath) || !OpenCvRuntime.IsAvailable ? MediaBackend.Ffmpeg : MediaBackend.OpenCv;

    // Cameras: OpenCV in-process (no pipe, its own grab thread) when it loads; a camera named by its
    // friendly name (not an index or /dev path) only through ffmpeg's device list.
    private static MediaBackend CameraBackend(string device, SourceRequest r)
    {
        if (r.Backend != MediaBackend.Auto) return r.Backend;
        bool openCvCanName = device.Length == 0 || int.TryParse(device, NumberStyles.None, CultureInfo.InvariantCulture, out _) || device.StartsWith("/dev/", StringComparison.Ordinal);
        return openCvCanName && OpenCvRuntime.IsAvailable ? MediaBackend.OpenCv : MediaBackend.Ffmpeg;
    }

    /// <summary>True when ffmpeg can be found (--ffmpeg, CONVSTREAM_FFMPEG, PATH).</summary>
    public static bool HasFfmpeg(string? ffmpegPath = null)
    {
        try { FfmpegLocator.Find("ffmpeg", ffmpegPath); return true; }
        catch (ConvStreamException) { return false; }
    }

    public static IVideoSink OpenSink(string spec, VideoFileSinkOptions? fileOptions = null)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new ConvStreamException("output is empty");
        if (spec == "null") return new NullSink();
        if (spec == "preview") return new PreviewSink(new PreviewOptions { FfmpegPath = fileOptions?.FfmpegPath });
        if (spec.StartsWith("preview:", StringComparison.Ordinal)) return new PreviewSink(new PreviewOptions { Title = spec[8..], FfmpegPath = fileOptions?.FfmpegPath });
        if (ImageSequencePattern.IsPattern(spec)) return new ImageSequenceSink(spec);
        if (Path.GetExtension(spec).Equals(".y4m", StringComparison.OrdinalIgnoreCase)) return new Y4mSink(spec);
        return new VideoFileSink(spec, fileOptions);
    }

    // "640x360@30", "640x360", "@25", "320x240@30000/1001"
    private static TestSourceOptions ParseSizeRate(string text, TestSourceOptions o, string spec)
    {
        string size = text, rate = "";
        int at = text.IndexOf('@');
        if (at >= 0) { size = text[..at]; rate = text[(at + 1)..]; }
        if (size.Length > 0)
        {
            var p = size.Split('x');
            if (p.Length != 2 || !int.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w) || !int.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h))
                throw new ConvStreamException($"source '{spec}': size '{size}' is not WIDTHxHEIGHT");
            o = o with { Width = w, Height = h };
        }
        if (rate.Length > 0)
        {
            var r = MediaProbe.Rational(rate.Contains('/') ? rate : rate + "/1");
            if (r is not (int n, int d)) throw new ConvStreamException($"source '{spec}': frame rate '{rate}' is not a number or N/D");
            o = o with { RateNumerator = n, RateDenominator = d };
        }
        return o;
    }
}
