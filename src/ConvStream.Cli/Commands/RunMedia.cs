using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Media;
using ConvStream.Media.Ffmpeg;
using ConvStream.Media.Preview;
using ConvStream.Media.Sinks;
using ConvStream.Media.Sources;
using ConvStream.Media.Y4m;
using ConvStream.Pipeline.Outputs;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Synthetic;
using ConvStream.Pipeline.Video;

namespace ConvStream.Cli.Commands;

/// <summary>
/// Turns a pipeline's source text and outputs into real sources and sinks: the composition of the
/// pipeline runtime (which knows no ffmpeg) with ConvStream.Media. Sources: <c>test[:WxH@FPS]</c>
/// (the in-memory synthetic pattern), <c>testsrc2[:WxH@FPS]</c> (ffmpeg's lavfi test source),
/// <c>webcam[:N|NAME|/dev/videoN]</c>, a <c>.y4m</c> file or any video file ffmpeg reads.
/// </summary>
internal static class RunMedia
{
    /// <summary>Frames a synthetic or lavfi test source gives offline when --frames is not set (10 s at 30 fps).</summary>
    public const long DefaultTestFrames = 300;

    public static IVideoSource OpenSource(string text, string baseDirectory, bool live, long? frames, bool stopOnDecodeError = false)
    {
        text = text.Trim();
        long? testFrames = frames ?? (live ? null : DefaultTestFrames);
        if (SyntheticSource.TryParse(text, testFrames, paced: live) is { } synthetic) return synthetic;

        int colon = text.IndexOf(':');
        string kind = (colon < 0 ? text : text[..colon]).ToLowerInvariant();
        string rest = colon < 0 ? "" : text[(colon + 1)..];
        if (kind == "testsrc2")
        {
            // Same WxH@FPS syntax as the synthetic source; parsed by it, then opened through ffmpeg.
            var info = SyntheticSource.TryParse("test" + (colon < 0 ? "" : ":" + rest), 1, false)!.Info;
            return TestSource.Open(new TestSourceOptions
            {
                Width = info.Width, Height = info.Height,
                RateNumerator = info.FrameRateNumerator, RateDenominator = info.FrameRateDenominator,
                FrameCount = testFrames, Live = live,
            });
        }
        if (kind is "webcam" or "camera")
            return CameraSource.Open(rest.Length == 0 ? "0" : rest);
        // ConvStream.Media's own spellings: testsrc[:WxH@FPS], live:testsrc…, lavfi:GRAPH, image patterns (frames/f_%05d.png).
        if (kind is "testsrc" or "lavfi" or "live") return MediaSpec.OpenSource(text);
        if (text.Contains('%')) return MediaSpec.OpenSource(Path.IsPathRooted(text) ? text : Path.Combine(baseDirectory, text));

        string path = Path.IsPathRooted(text) ? text : Path.GetFullPath(Path.Combine(baseDirectory, text));
        if (!File.Exists(path))
            throw new ConvStreamException($"{text}: input file not found{(Path.IsPathRooted(text) ? "" : $" (looked in {baseDirectory})")}; expected a video file, webcam[:N] or test[:WxH@FPS]");
        if (path.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase)) return Y4mSource.Open(path);
        return VideoFileSource.Open(path, new FileSourceOptions { MaxFrames = frames, StopOnDecodeError = stopOnDecodeError });
    }

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
        if (kind is "webcam" or "camera" or "testsrc2")
            throw new ConvStreamException($"source '{text}': its frame size is known only once opened; give --size WxH");
        string path = Path.IsPathRooted(text) ? text : Path.GetFullPath(Path.Combine(baseDirectory, text));
        if (!File.Exists(path)) throw new ConvStreamException($"{text}: input file not found (looked in {baseDirectory})");
        return path.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase)
            ? Y4mSource.Open(path).Info
            : MediaProbe.Probe(path).Info;
    }

    /// <summary>True for outputs that are windows (preview, or a mosaic without a path): shown only with --preview.</summary>
    public static bool IsWindow(OutputDefinition o) => o.Kind == OutputKind.Preview || (o.Kind == OutputKind.Mosaic && o.Path is null);

    /// <param name="live">A live run: video files repeat the last frame over dropped ones, so they last as long as the run.</param>
    public static IVideoSink CreateSink(PlannedOutput output, OutputPaths paths, bool live)
    {
        var o = output.Definition;
        if (o.Kind == OutputKind.Null) return new NullSink();
        if (IsWindow(o)) return new PreviewSink(new PreviewOptions { Title = $"ConvStream: {o.Name}" });
        string path = paths[o.Name];
        if (o.Kind == OutputKind.Images)
            // A folder without a pattern gets numbered PNGs inside it.
            return new ImageSequenceSink(path.Contains('%') ? path : Path.Combine(path, "%06d.png"));
        if (path.EndsWith(".y4m", StringComparison.OrdinalIgnoreCase)) return new Y4mSink(path);
        return new VideoFileSink(path, new VideoFileSinkOptions { FillDroppedFrames = live ? true : null });
    }

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
    public static bool HasFfmpeg()
    {
        try { FfmpegLocator.Find("ffmpeg"); return true; }
        catch (ConvStreamException) { return false; }
    }
}
