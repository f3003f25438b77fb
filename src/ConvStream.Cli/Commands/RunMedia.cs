using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Media;
using ConvStream.Media.Ffmpeg;
using ConvStream.Media.OpenCv;
using ConvStream.Media.Preview;
using ConvStream.Media.Sinks;
using ConvStream.Media.Windows;
using ConvStream.Media.Y4m;
using ConvStream.Pipeline.Outputs;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Synthetic;
using ConvStream.Pipeline.Video;

namespace ConvStream.Cli.Commands;

/// <summary>
/// Turns a pipeline's source and outputs into real sources and sinks: the composition of the
/// pipeline runtime (which knows no ffmpeg or OpenCV) with ConvStream.Media, whose
/// <see cref="MediaSpec"/> is the one source grammar. The source's backend comes from --backend,
/// else the source's "backend" key, else auto.
/// </summary>
internal static class RunMedia
{
    /// <summary>Frames a synthetic or lavfi test source gives offline when --frames is not set (10 s at 30 fps).</summary>
    public const long DefaultTestFrames = 300;

    /// <summary>Keys a pipeline file's source object may have besides "input".</summary>
    private static readonly string[] SourceKeys = ["backend", "width", "height", "fps", "fourcc", "api", "timeout"];

    /// <summary>The request for a source: the pipeline's source keys (when the source is the file's own), then --backend.</summary>
    public static SourceRequest Request(PipelineDefinition definition, bool fromFile, string baseDirectory, bool live, long? frames, MediaBackend? backend)
    {
        var request = new SourceRequest { BaseDirectory = baseDirectory, Live = live, Frames = frames, TestFrames = DefaultTestFrames };
        if (fromFile && definition.Source is { } source)
        {
            string where = $"{definition.FileName}: source";
            foreach (var (key, value) in source.Options)
            {
                request = key switch
                {
                    "backend" => request with { Backend = SourceRequest.ParseBackend(value, $"{where}: key 'backend'") },
                    "width" => request with { Width = PositiveInt(value, $"{where}: key 'width'") },
                    "height" => request with { Height = PositiveInt(value, $"{where}: key 'height'") },
                    "fps" => request with { FrameRate = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 0 ? f : throw new ConvStreamException($"{where}: key 'fps' '{value}' must be a positive number") },
                    "fourcc" => request with { FourCC = value.Length == 4 ? value : throw new ConvStreamException($"{where}: key 'fourcc' '{value}' must be four characters, e.g. MJPG") },
                    "api" => request with { CameraApi = value },
                    "timeout" => request with { OpenTimeout = TimeSpan.FromSeconds(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double t) && t > 0 ? t : throw new ConvStreamException($"{where}: key 'timeout' '{value}' must be a positive number of seconds")) },
                    _ => throw new ConvStreamException($"{where}: unknown key '{key}'; expected input, {string.Join(", ", SourceKeys)}"),
                };
            }
        }
        if (backend is MediaBackend b) request = request with { Backend = b };
        return request;
    }

    public static IVideoSource OpenSource(string text, SourceRequest request) => MediaSpec.OpenSource(text, request);

    /// <summary>The source's frame format without decoding (for describe): synthetic sizes are known, files are probed.</summary>
    public static FrameFormat ProbeFormat(string text, string baseDirectory)
    {
        if (SyntheticSource.TryParse(text, 1, false) is { } s) return new FrameFormat(s.Info.Width, s.Info.Height, s.Info.Channels, PixelDepth.U8);
        string kind = text.Split(':')[0].ToLowerInvariant();
        if (kind is "webcam" or "camera" or "testsrc2" or "testsrc" or "lavfi" or "live")
            throw new ConvStreamException($"source '{text}': its frame size is known only once opened; give --size WxH");
        string path = Path.IsPathRooted(text) ? text : Path.GetFullPath(Path.Combine(baseDirectory, text));
        if (!File.Exists(path)) throw new ConvStreamException($"{text}: input file not found (looked in {baseDirectory})");
        if (path.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase)) return FormatOf(Y4mSource.Open(path).Info);
        if (MediaSpec.HasFfmpeg()) return FormatOf(MediaProbe.Probe(path).Info);
        var capture = OpenCvCaptureSource.OpenFile(path); // no ffprobe: OpenCV reads the header
        var info = capture.Info;
        capture.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return FormatOf(info);
    }

    private static FrameFormat FormatOf(VideoInfo info) => new(info.Width, info.Height, info.Channels, PixelDepth.U8);

    /// <summary>True for outputs that are windows (preview, or a mosaic without a path): shown only with --preview.</summary>
    public static bool IsWindow(OutputDefinition o) => o.Kind == OutputKind.Preview || (o.Kind == OutputKind.Mosaic && o.Path is null);

    /// <summary>The backend a video file output is written with: ffmpeg (H.264, audio) when present, else OpenCV's VideoWriter.</summary>
    public static MediaBackend VideoBackend(MediaBackend? requested)
        => requested is MediaBackend b && b != MediaBackend.Auto ? b : MediaSpec.HasFfmpeg() ? MediaBackend.Ffmpeg : MediaBackend.OpenCv;

    /// <summary>A sink for the output; <paramref name="note"/> is a line to print before the first frame (what OpenCV cannot do that ffmpeg would).</summary>
    public static IVideoSink CreateSink(PlannedOutput output, string outputDirectory, MediaBackend? backend, bool sourceHasAudio, out string? note)
    {
        note = null;
        var o = output.Definition;
        if (o.Kind == OutputKind.Null) return new NullSink();
        if (o.Kind == OutputKind.Window)
        {
            var window = new WindowSink(new WindowOptions { Title = o.Stages.Count == 1 ? o.Stages[0] : o.Name, Overlay = o.Options.GetValueOrDefault("overlay") == "true", SaveFolder = outputDirectory });
            window.CheckDisplay();
            return window;
        }
        // --preview windows: OpenCV's highgui where a display exists, ffplay otherwise.
        if (IsWindow(o))
            return WindowSink.DisplayAvailable()
                ? new WindowSink(new WindowOptions { Title = $"ConvStream: {o.Name}", SaveFolder = outputDirectory })
                : new PreviewSink(new PreviewOptions { Title = $"ConvStream: {o.Name}" });
        string path = Path.Combine(outputDirectory, o.Path!);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        if (o.Kind == OutputKind.Images)
        {
            // A folder without a pattern gets numbered PNGs inside it.
            if (!path.Contains('%')) { Directory.CreateDirectory(path); path = Path.Combine(path, "%06d.png"); }
            return new ImageSequenceSink(path);
        }
        if (path.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase)) return new Y4mSink(path);
        if (VideoBackend(backend) == MediaBackend.Ffmpeg) return new VideoFileSink(path);
        var sink = new OpenCvVideoSink(path);
        bool wantsH264 = Path.GetExtension(path).ToLowerInvariant() is ".mp4" or ".mov";
        if ((wantsH264 || sourceHasAudio) && backend is null or MediaBackend.Auto)
            note = $"{path}: no ffmpeg on PATH, so OpenCV writes it as {sink.Codec}{(sourceHasAudio ? " without the source's audio" : "")}; install ffmpeg for {(wantsH264 ? "H.264" : "")}{(wantsH264 && sourceHasAudio ? " and " : "")}{(sourceHasAudio ? "audio" : "")}";
        else if (sourceHasAudio)
            note = $"{path}: written by OpenCV (--backend opencv) as {sink.Codec}, without the source's audio (ffmpeg would keep it)";
        return sink;
    }

    /// <summary>The backend each sink writes with, for the summary.</summary>
    public static string BackendOf(IVideoSink sink) => sink switch
    {
        OpenCvVideoSink v => $"opencv (VideoWriter, {v.Codec})",
        VideoFileSink => "ffmpeg",
        PreviewSink => "ffmpeg (ffplay)",
        WindowSink => "opencv (highgui)",
        ImageSequenceSink => "opencv (imgcodecs)",
        Y4mSink => "native (y4m)",
        NullSink => "none",
        _ => sink.GetType().Name,
    };

    /// <summary>True when ffmpeg can be found (PATH, CONVSTREAM_FFMPEG).</summary>
    public static bool HasFfmpeg() => MediaSpec.HasFfmpeg();

    private static int PositiveInt(string value, string where)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : throw new ConvStreamException($"{where} '{value}' must be a positive integer");
}
