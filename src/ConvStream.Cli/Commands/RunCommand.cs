using System.CommandLine;
using ConvStream.Cli.CommandLine;
using ConvStream.Engine;
using ConvStream.Media.Sinks;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Outputs;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Video;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Web;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream run PIPELINE</c>: validates the pipeline file, opens the source (a missing file
/// or camera is reported before anything starts), plans every stage's format, opens the outputs
/// in the --output folder and runs until the source ends or Ctrl+C (which drains what is in flight
/// and closes every output properly). Offline runs show progress; every run ends with the
/// per-stage latency summary.
/// </summary>
public static class RunCommand
{
    public const string Summary = "run a pipeline file (filters/pipelines/*.json) on a video, camera or test source";

    /// <summary>The values of --backend, offered to tab completion.</summary>
    internal static readonly string[] Backends = ["auto", "opencv", "ffmpeg"];

    internal static Command Create()
    {
        var file = CliOption.Positional("PIPELINE", "a pipeline file PIPELINE", "a pipeline file (filters/pipelines/*.json)");
        var input = CliOption.Value("--input", "PATH|webcam[:N]|test[:WxH@FPS]",
            "replaces the file's source: a video file, webcam[:N] (a camera by index or name), test[:WxH@FPS] (ConvStream's own " +
            "moving pattern) or testsrc2[:WxH@FPS] (ffmpeg's)", defaultText: "the file's source");
        var output = CliOption.Value("--output", "DIR", "folder for the outputs' paths; created when missing", "out");
        var preview = CliOption.Flag("--preview", "also open the file's preview windows (preview outputs, mosaics without a path)");
        var live = CliOption.Flag("--live", "latency first: queues of 1, the source drops the oldest frame when stages fall behind");
        var offline = CliOption.Flag("--offline", "every frame: queues wait, nothing is dropped (the default for most pipeline files)");
        var frames = CliOption.Value("--frames", "N", "stop after N source frames", defaultText: "all; test sources give 300 offline");
        var onDecodeError = CliOption.Value("--on-decode-error", "skip|stop",
            "a damaged video file: skip (as ffmpeg and players do) lets the decoder conceal the damage and repeat frames it cannot " +
            "decode, and the summary counts them; stop ends the run at the first decode error (the frames before it are still written)",
            "skip", completions: ["skip", "stop"]);
        var allowOutside = CliOption.Flag("--allow-outside-output", "let output paths lead outside --output (../x.mp4 or absolute paths)");
        var backend = CliOption.Value("--backend", "auto|opencv|ffmpeg",
            "who reads the source and writes video outputs: opencv (OpenCvSharp in-process: files, cameras; mp4v/MJPG/FFV1 outputs, " +
            "no audio), ffmpeg (child processes: H.264, audio) or auto (files and outputs through ffmpeg when it is on PATH, cameras through OpenCV)",
            defaultText: "the source's \"backend\" key, else auto", completions: Backends);
        var web = CliOption.Value("--web", "[HOST:]PORT",
            "also serve a live view in the browser: every stage's picture, statistics and parameters (editable), /metrics for " +
            "Prometheus; HOST is 127.0.0.1 unless given; any other address needs --token (then every request must carry it)");
        var token = CliOption.Value("--token", "TOKEN", "the token a non-loopback --web bind requires (at least 8 characters)");
        var segments = CliOption.Value("--segments", "N",
            "(video files, offline) cut the input into N keyframe-aligned segments, run them as N worker processes and join the " +
            "outputs (convstream join); Ctrl+C stops every worker");
        var segment = CliOption.Value("--segment", "I/N",
            "run segment I (0..N-1) of N alone, into --output DIR/segments/I with a manifest; 'convstream join DIR' joins them " +
            "(one machine, or the pods of 'convstream k8s-job')");
        var plot = CliOption.Value("--plot", "FILE.png|.svg",
            "at the end, draw the frame-time series and per stage histograms of compute and queue wait (log time axis, p50 and " +
            "p99 marked) into a PNG or SVG picture (not with segments)");
        var command = new VerbCommand("run", Summary,
            "usage: convstream run PIPELINE [--input PATH|webcam[:N]|test[:WxH@FPS]] [--output DIR] [--preview]" + Environment.NewLine +
            "                      [--live|--offline] [--frames N] [--on-decode-error skip|stop] [--allow-outside-output]" + Environment.NewLine +
            "                      [--backend auto|opencv|ffmpeg] [--web [HOST:]PORT [--token TOKEN]]" + Environment.NewLine +
            "                      [--segments N | --segment I/N] [--plot FILE.png|.svg]")
        {
            Notes = "Runs the pipeline file's stages on its source and writes its outputs. Ctrl+C, SIGTERM and SIGHUP stop reading,\n" +
                    "let the frames in flight finish and close every output properly (exit 130, 143, 129); a second signal stops at\n" +
                    "once, keeping only outputs that finish. The summary lists per stage frames in/out, drops, queue wait and compute\n" +
                    "p50/p95/p99/max (ms), and per output the age of frames from capture to sink.",
            Examples =
            [
                "convstream run filters/pipelines/demo.json --input media/sample.mp4 --output out",
                "convstream run my.json --input webcam --live --preview",
                "convstream run my.json --input test:1280x720@30 --frames 120 --web 8080 --plot run.svg",
                "convstream run my.json --input long.mp4 --segments 4 --output out",
            ],
        };
        command.Arguments.Add(file);
        foreach (var option in new Option[] { input, output, preview, live, offline, frames, onDecodeError, allowOutside, backend, web, token, segments, segment, plot })
            command.Options.Add(option);
        command.SetAction(r =>
        {
            var o = new RunRequest
            {
                PipelinePath = ShippedFiles.Resolve(r.GetValue(file)!),
                Input = r.GetValue(input),
                OutputDirectory = r.GetValue(output)!,
                Preview = r.GetValue(preview),
                Live = r.GetValue(live),
                Offline = r.GetValue(offline),
                Frames = r.GetValue(frames) is string f ? PositiveLong("--frames", f) : null,
                AllowOutsideOutput = r.GetValue(allowOutside),
                OnDecodeError = r.GetValue(onDecodeError)!,
                Backend = r.GetValue(backend) is string b ? ParseBackend(b) : null,
                Web = r.GetValue(web),
                Token = r.GetValue(token),
                Plot = r.GetValue(plot),
            };
            return Dispatch(o, r.GetValue(segments), r.GetValue(segment), Arguments(r));
        });
        return command;
    }

    private static int Dispatch(RunRequest o, string? segments, string? segment, string[] args)
    {
        if (o.OnDecodeError is not ("stop" or "skip"))
            throw new UsageException($"option --on-decode-error '{o.OnDecodeError}' must be stop or skip");
        if (o.Live && o.Offline) throw new UsageException("--live and --offline contradict each other");
        if (o.Token is not null && o.Web is null) throw new UsageException("--token needs --web");
        // A --web value that does not parse is a command-line error (2); the token rules are checked later (1).
        if (o.Web is not null)
            try { WebBind.ParseAddress(o.Web); }
            catch (ConvStreamException e) { throw new UsageException(e.Message, e); }
        if (segments is not null && segment is not null) throw new UsageException("--segments and --segment contradict each other");
        if (o.Plot is not null && (segments ?? segment) is not null)
            throw new UsageException($"--plot draws one run's figures; it cannot be combined with {(segments is not null ? "--segments" : "--segment")}");
        if (o.Plot is not null) Plots.PlotFile.Check(o.Plot, "--plot");
        if (segments is not null) return SegmentWorkers.Execute(o, SegmentRun.ParseCount("--segments", segments), args);
        if (segment is not null) return SegmentRun.Execute(o, SegmentRun.ParseIndex(segment), Console.Out);
        return Execute(o, Console.Out);
    }

    /// <summary>This run's arguments after "run", response files expanded (the segment workers get the same).</summary>
    private static string[] Arguments(ParseResult r)
        => r.Tokens.SkipWhile(t => !(t.Type == System.CommandLine.Parsing.TokenType.Command && t.Value == "run")).Skip(1).Select(t => t.Value).ToArray();

    internal sealed record RunRequest
    {
        public required string PipelinePath { get; init; }
        public string? Input { get; init; }
        public required string OutputDirectory { get; init; }
        public bool Preview { get; init; }
        public bool Live { get; init; }
        public bool Offline { get; init; }
        public long? Frames { get; init; }
        /// <summary>"skip" (default: the decoder conceals damage, as ffmpeg and players do) or "stop" (the first decode error ends the run).</summary>
        public string OnDecodeError { get; init; } = "skip";
        /// <summary>Lets output paths lead outside --output (../x.mp4, absolute paths).</summary>
        public bool AllowOutsideOutput { get; init; }
        /// <summary>--web [HOST:]PORT and --token: the browser view.</summary>
        public string? Web { get; init; }
        public string? Token { get; init; }
        /// <summary>--plot: the picture of the run's latency figures (PNG or SVG), drawn once it ends.</summary>
        public string? Plot { get; init; }
        /// <summary>Where a video file input starts (a segment's keyframe); null: at its beginning.</summary>
        public TimeSpan? SourceStart { get; init; }
        /// <summary>Copy the source's audio into video outputs (not in segment parts: the join adds it once).</summary>
        public bool CopyAudio { get; init; } = true;
        /// <summary>Frames every output drops first, and how many it keeps after them (a segment with temporal margins); null: all.</summary>
        public (long Skip, long? Keep)? OutputWindow { get; init; }
        /// <summary>Replaces every output with a null sink (demo without ffmpeg).</summary>
        public bool NullOutputs { get; init; }
        /// <summary>--backend; null: the source's "backend" key, else auto.</summary>
        public Media.MediaBackend? Backend { get; init; }
    }

    internal static int Execute(RunRequest r, TextWriter stdout)
    {
        // A non-loopback bind without a token is refused before anything opens.
        var web = r.Web is { } w ? WebBind.Parse(w, r.Token) : null;
        var definition = Prepare(PipelineFile.Load(r.PipelinePath), r);
        string sourceText = r.Input ?? definition.Source?.Text
            ?? throw new ConvStreamException($"{definition.FileName}: the file names no source; give --input PATH|webcam|test");
        string sourceBase = r.Input is not null ? Directory.GetCurrentDirectory() : definition.BaseDirectory;
        bool live = definition.Schedule.Mode == ScheduleMode.Live;

        using var signals = new RunSignals(line => Say($"convstream run: {line}"));
        try
        {
            int status = RunAsync(definition, sourceText, sourceBase, live, r, web, stdout, signals).GetAwaiter().GetResult();
            return signals.First is null ? status : signals.ExitCode;
        }
        catch (OperationCanceledException) when (signals.First is not null)
        {
            Say($"convstream run: interrupted by {RunSignals.Name(signals.First)}");
            return signals.ExitCode;
        }
    }

    /// <summary>A line on stderr below the progress line; a closed terminal (SIGHUP) must not turn a clean stop into a crash.</summary>
    private static void Say(string line)
    {
        try { Console.Error.WriteLine(); Console.Error.WriteLine(line); }
        catch (IOException) { }
    }

    private static void Note(string line)
    {
        try { Console.Error.WriteLine(line); }
        catch (IOException) { }
    }

    private static async Task<int> RunAsync(PipelineDefinition definition, string sourceText, string sourceBase, bool live, RunRequest r,
        WebBind? web, TextWriter stdout, RunSignals signals)
    {
        var cancellationToken = signals.Stopping;
        // Every output path is checked before the source opens: a bad one costs nothing and creates nothing.
        var paths = r.NullOutputs ? null : OutputPaths.Check(definition, r.OutputDirectory, RunMedia.SourceFile(sourceText, sourceBase), r.AllowOutsideOutput);
        var request = RunMedia.Request(definition, fromFile: r.Input is null, sourceBase, live, r.Frames, r.Backend, r.OnDecodeError == "stop") with { Start = r.SourceStart };
        await using var source = RunMedia.OpenSource(sourceText, request);
        var info = source.Info;
        var plan = PipelinePlan.Build(definition, new FrameFormat(info.Width, info.Height, info.Channels, PixelDepth.U8));
        var sinks = new Dictionary<string, IVideoSink>();
        PipelineRunner? runner = null;
        // A window's q/Esc or close button stops the run like Ctrl+C (outputs finished), but it is a normal end: exit 0.
        bool stoppedByWindow = false;
        using var windowStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        LiveView? view = web is null ? null : new LiveView(web, plan, info, sourceText);
        try
        {
            if (paths is not null)
            {
                paths.CreateFolders(definition);
                foreach (string folder in paths.Folders)
                    foreach (string line in RunMedia.RemoveStalePartials(folder)) Note($"convstream run: {line}");
            }
            var notes = new List<string>();
            foreach (var output in plan.Outputs)
            {
                string? note = null;
                var sink = r.NullOutputs ? new NullSink() : RunMedia.CreateSink(output, paths!, live, r.Backend, info.HasAudio, out note, r.CopyAudio);
                sinks[output.Name] = r.OutputWindow is var (skip, keep) ? new Media.Segments.SegmentWindowSink(sink, skip, keep) : sink;
                if (note is not null) notes.Add(note);
                if (sinks[output.Name] is Media.Windows.WindowSink window)
                    window.StopRequested += (_, _) => { stoppedByWindow = true; windowStop.Cancel(); };
            }
            Print(stdout, $"source: {sourceText} via {Media.MediaSpec.BackendOf(source)}{(source is Media.OpenCv.OpenCvCaptureSource c ? $" ({c.Granted})" : "")}");
            foreach (var note in notes) Note($"convstream run: note: {note}");
            runner = new PipelineRunner(plan, source, sinks, new RunOptions { MaxFrames = r.Frames, FrameTap = view?.Tap });
            if (view is not null)
            {
                await view.StartAsync(runner, cancellationToken).ConfigureAwait(false);
                Print(stdout, $"web view: {view.Url}");
            }
            long? total = r.Frames is long n ? Math.Min(n, info.FrameCount ?? n) : info.FrameCount;
            using var abort = signals.Aborting.Register(runner.Abort);
            var run = runner.RunAsync(windowStop.Token);
            if (!live) await Display.RunProgressView.WatchAsync(runner, total, run).ConfigureAwait(false);
            var summary = await run.ConfigureAwait(false);
            await DisposeAll(sinks).ConfigureAwait(false);
            try { Display.SummaryView.Write(stdout, summary); }
            catch (IOException) { }
            foreach (string note in runner.Notes) Print(stdout, $"note: {note}");
            if (r.Plot is not null)
            {
                string? warning = Plots.LatencyPlot.Write(r.Plot, summary, $"convstream run {definition.FileName}");
                Print(stdout, $"wrote the latency plot to {r.Plot}{(warning is null ? "" : $" ({warning})")}");
            }
            if (RunMedia.DecodeDamage(source) is string damage) Print(stdout, damage);
            foreach (var output in plan.Outputs)
                if (output.Definition.Path is not null && !r.NullOutputs)
                {
                    var sink = sinks[output.Name];
                    string repeats = sink is Media.Sinks.IFileOutput { FramesRepeated: > 0 } v
                        ? $" ({v.FramesWritten} frames, {v.FramesRepeated} of them repeats of the frame before a dropped one, so it lasts as long as the run)"
                        : "";
                    Print(stdout, $"wrote {sink.Description}{repeats} via {RunMedia.BackendOf(sink)}");
                }
            return summary.Cancelled && !(stoppedByWindow && !cancellationToken.IsCancellationRequested) ? CliApp.ExitInterrupted : 0;
        }
        catch (ConvStreamException e)
        {
            await DisposeAll(sinks).ConfigureAwait(false);
            if (runner is null || runner.FramesRead == 0) paths?.RemoveCreatedFolders();
            string report = RunMedia.OutputReport(sinks.Values);
            if (report.Length == 0) throw;
            throw new ConvStreamException($"{e.Message}; {report}", e);
        }
        finally
        {
            if (view is not null) await view.DisposeAsync().ConfigureAwait(false);
            await DisposeAll(sinks).ConfigureAwait(false);
        }
    }

    private static async ValueTask DisposeAll(Dictionary<string, IVideoSink> sinks)
    {
        foreach (var sink in sinks.Values) await sink.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A line on stdout; after SIGHUP the terminal may be gone, which must not turn a clean stop into a crash.</summary>
    private static void Print(TextWriter stdout, string text)
    {
        try { stdout.WriteLine(text); }
        catch (IOException) { }
    }

    /// <summary>Applies the command line to the file: schedule mode, windows only with --preview.</summary>
    internal static PipelineDefinition Prepare(PipelineDefinition d, RunRequest r)
    {
        var schedule = d.Schedule;
        if (r.Live && schedule.Mode != ScheduleMode.Live)
            schedule = schedule with { Mode = ScheduleMode.Live, Capacity = 1, Drop = DropPolicy.DropOldest };
        if (r.Offline && schedule.Mode != ScheduleMode.Offline)
            schedule = schedule with { Mode = ScheduleMode.Offline, Capacity = Math.Max(schedule.Capacity, 4), Drop = DropPolicy.Wait };
        PipelineFile.Validate(schedule, $"{d.FileName}: schedule");
        var outputs = d.Outputs.Where(o => r.Preview || !RunMedia.IsWindow(o)).ToList();
        if (outputs.Count == 0)
            throw new ConvStreamException($"{d.FileName}: no output to write{(d.Outputs.Count > 0 ? " (its outputs are preview windows: add --preview)" : "")}");
        return d with { Schedule = schedule, Outputs = outputs };
    }

    internal static Media.MediaBackend ParseBackend(string text)
    {
        try { return Media.SourceRequest.ParseBackend(text, "option --backend"); }
        catch (ConvStreamException e) { throw new UsageException(e.Message, e); }
    }

    internal static long PositiveLong(string option, string text)
        => long.TryParse(text, out long v) && v > 0 ? v : throw new UsageException($"option {option} '{text}' must be a positive integer");
}
