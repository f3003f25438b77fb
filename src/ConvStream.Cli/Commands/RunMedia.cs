using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Media;
using ConvStream.Media.Ffmpeg;
using ConvStream.Media.OpenCv;
using ConvStream.Media.Preview;
using ConvStream.Media.Sinks;
using ConvStream.Media.Sources;
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
    public static SourceRequest Request(PipelineDefinition definition, bool fromFile, string baseDirectory, bool live, long? frames, MediaBackend? backend, bool stopOnDecodeError = false)
    {
        var request = new SourceRequest { BaseDirectory = baseDirectory, Live = live, Frames = frames, TestFrames = DefaultTestFrames, StopOnDecodeError = stopOnDecodeError };
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
        var info = Probe(text, baseDirectory);
        return new FrameFormat(info.Width, info.Height, info.Channels, PixelDepth.U8);
    }

    /// <summary>What a source says about its stream before it is opened for reading (size, channels, frame rate).</summary>
    public static VideoInfo Probe(string text, string baseDirectory)
    {
        if (SyntheticSource.TryParse(text, 1, false) is { } s) return s.Info;
        string kind = text.Split(':')[0].ToLowerInvariant();
        if (kind is "webcam" or "camera" or "testsrc2" or "testsrc" or "lavfi" or "live")
            throw new ConvStreamException($"source '{text}': its frame size is known only once opened; give --size WxH");
        string path = Path.IsPathRooted(text) ? text : Path.GetFullPath(Path.Combine(baseDirectory, text));
        if (!File.Exists(path)) throw new ConvStreamException($"{text}: input file not found (looked in {baseDirectory})");
        if (path.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase)) return Y4mSource.Open(path).Info;
        if (MediaSpec.HasFfmpeg()) return MediaProbe.Probe(path).Info;
        var capture = OpenCvCaptureSource.OpenFile(path); // no ffprobe: OpenCV reads the header
        var info = capture.Info;
        capture.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return info;
    }

    /// <summary>True for outputs that are windows (preview, or a mosaic without a path): shown only with --preview.</summary>
    public static bool IsWindow(OutputDefinition o) => o.Kind == OutputKind.Preview || (o.Kind == OutputKind.Mosaic && o.Path is null);

    /// <summary>The backend a video file output is written with: ffmpeg (H.264, audio) when present, else OpenCV's VideoWriter.</summary>
    public static MediaBackend VideoBackend(MediaBackend? requested)
        => requested is MediaBackend b && b != MediaBackend.Auto ? b : MediaSpec.HasFfmpeg() ? MediaBackend.Ffmpeg : MediaBackend.OpenCv;

    /// <summary>A sink for the output; <paramref name="note"/> is a line to print before the first frame (what OpenCV cannot do that ffmpeg would).</summary>
    /// <param name="live">A live run: video files, Y4M files and image sequences repeat the last frame over dropped ones, so they last as long as the run.</param>
    /// <param name="copyAudio">Copy the source's audio into video files (false for segment parts: the join adds it once).</param>
    public static IVideoSink CreateSink(PlannedOutput output, OutputPaths paths, bool live, MediaBackend? backend, bool sourceHasAudio, out string? note, bool copyAudio = true)
    {
        string outputDirectory = paths.Directory;
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
        string path = paths[o.Name];
        if (o.Kind == OutputKind.Images)
            // A folder without a pattern gets numbered PNGs inside it.
            return new ImageSequenceSink(path.Contains('%') ? path : Path.Combine(path, "%06d.png"), fillDroppedFrames: live ? true : null);
        if (path.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase)) return new Y4mSink(path, fillDroppedFrames: live ? true : null);
        if (VideoBackend(backend) == MediaBackend.Ffmpeg) return new VideoFileSink(path, new VideoFileSinkOptions { FillDroppedFrames = live ? true : null, CopyAudio = copyAudio });
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

    /// <summary>The source's file when it is one (for the output ≠ source check), else null.</summary>
    public static string? SourceFile(string text, string baseDirectory)
    {
        text = text.Trim();
        if (text.Length == 0 || text.Contains('%')) return null;
        try
        {
            string path = Path.IsPathRooted(text) ? text : Path.GetFullPath(Path.Combine(baseDirectory, text));
            return File.Exists(path) ? path : null;
        }
        catch (ArgumentException) { return null; }
    }

    /// <summary>
    /// After a run on a damaged file with <c>--on-decode-error skip</c>: how many decode errors the
    /// decoder concealed and how many frames it delivered damaged; null when there were none.
    /// (Frames the decoder could not produce at all are filled by repeating the previous one, so
    /// the output keeps the source's frame count and timing.)
    /// </summary>
    public static string? DecodeDamage(IVideoSource source)
    {
        if (source is not FfmpegPipeSource f || f.Log.ErrorLines == 0) return null;
        return $"source: {f.Log.ErrorLines} decode error(s) concealed, {f.Log.DamagedFrames} frame(s) damaged, missing frames repeated (--on-decode-error skip; 'stop' ends the run at the first error); first: {f.Log.FirstError}";
    }

    /// <summary>Unfinished outputs that killed runs left in <paramref name="folder"/>, removed (one line each).</summary>
    public static IReadOnlyList<string> RemoveStalePartials(string folder) => OutputFile.RemoveStale(folder);

    /// <summary>
    /// After a failed run: "lost: a.mp4, b.mp4; kept: c.mp4 (120 frames)", naming every file output
    /// that is not in place and every one that is; empty when the run had no file outputs.
    /// </summary>
    public static string OutputReport(IEnumerable<IVideoSink> sinks)
    {
        var files = sinks.OfType<IFileOutput>().ToList();
        if (files.Count == 0) return "";
        var lost = files.Where(f => !f.Kept).Select(f => f.Description).ToList();
        var kept = files.Where(f => f.Kept).Select(f => $"{f.Description} ({f.FramesWritten} frames)").ToList();
        var parts = new List<string>();
        if (lost.Count > 0) parts.Add($"not written: {string.Join(", ", lost)}");
        if (kept.Count > 0) parts.Add($"kept: {string.Join(", ", kept)}");
        return string.Join("; ", parts);
    }

    /// <summary>True when ffmpeg can be found (PATH, CONVSTREAM_FFMPEG).</summary>
    public static bool HasFfmpeg() => MediaSpec.HasFfmpeg();

    private static int PositiveInt(string value, string where)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : throw new ConvStreamException($"{where} '{value}' must be a positive integer");
}
