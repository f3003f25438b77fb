using ConvStream.Engine;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Outputs;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Video;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;

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

    public static string Help => string.Join(Environment.NewLine,
        "usage: convstream run PIPELINE [--input PATH|webcam[:N]|test[:WxH@FPS]] [--output DIR] [--preview]",
        "                      [--live|--offline] [--frames N] [--backend auto|opencv|ffmpeg]",
        "",
        "Runs the pipeline file's stages on its source and writes its outputs.",
        "  --input     replaces the file's source: a video file, webcam[:N] (a camera by index or name),",
        "              test[:WxH@FPS] (ConvStream's own moving pattern) or testsrc2[:WxH@FPS] (ffmpeg's).",
        "  --output    folder for the outputs' paths (default: out); created when missing.",
        "  --preview   also open the file's preview windows (preview outputs, mosaics without a path).",
        "  --live      latency first: queues of 1, the source drops the oldest frame when stages fall behind.",
        "  --offline   every frame: queues wait, nothing is dropped (the default for most pipeline files).",
        "  --frames N  stop after N source frames (test sources give 300 offline when not set).",
        "  --backend   who reads the source and writes video outputs: opencv (OpenCvSharp in-process: files,",
        "              cameras; mp4v/MJPG/FFV1 outputs, no audio), ffmpeg (child processes: H.264, audio) or",
        "              auto (default: files and outputs through ffmpeg when it is on PATH, cameras through OpenCV).",
        "",
        "Ctrl+C stops reading, lets the frames in flight finish and closes every output properly.",
        "The summary lists per stage frames in/out, drops, queue wait and compute p50/p95/p99/max (ms),",
        "and per output the age of frames from capture to sink.");

    public static int Run(string[] args)
    {
        var a = new ArgReader(args, "run", "--preview", "--live", "--offline");
        if (a.HelpRequested) { Console.Out.WriteLine(Help); return 0; }
        string file = a.Positional("a pipeline file PIPELINE");
        var o = new RunRequest
        {
            PipelinePath = file,
            Input = a.Optional("--input"),
            OutputDirectory = a.Optional("--output") ?? "out",
            Preview = a.Flag("--preview"),
            Live = a.Flag("--live"),
            Offline = a.Flag("--offline"),
            Frames = a.Optional("--frames") is string f ? PositiveLong("--frames", f) : null,
            Backend = a.Optional("--backend") is string b ? ParseBackend(b) : null,
        };
        a.EnsureAllUsed();
        if (o.Live && o.Offline) throw new UsageException("--live and --offline contradict each other");
        return Execute(o, Console.Out);
    }

    internal sealed record RunRequest
    {
        public required string PipelinePath { get; init; }
        public string? Input { get; init; }
        public required string OutputDirectory { get; init; }
        public bool Preview { get; init; }
        public bool Live { get; init; }
        public bool Offline { get; init; }
        public long? Frames { get; init; }
        /// <summary>Replaces every output with a null sink (demo without ffmpeg).</summary>
        public bool NullOutputs { get; init; }
        /// <summary>--backend; null: the source's "backend" key, else auto.</summary>
        public Media.MediaBackend? Backend { get; init; }
    }

    internal static int Execute(RunRequest r, TextWriter stdout)
    {
        var definition = Prepare(PipelineFile.Load(r.PipelinePath), r);
        string sourceText = r.Input ?? definition.Source?.Text
            ?? throw new ConvStreamException($"{definition.FileName}: the file names no source; give --input PATH|webcam|test");
        string sourceBase = r.Input is not null ? Directory.GetCurrentDirectory() : definition.BaseDirectory;
        bool live = definition.Schedule.Mode == ScheduleMode.Live;

        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl+C drains and closes outputs; a second one ends the process at once.
            if (cts.IsCancellationRequested) return;
            e.Cancel = true;
            Console.Error.WriteLine();
            Console.Error.WriteLine("convstream run: stopping: finishing the frames in flight and closing outputs (Ctrl+C again to abort)");
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return RunAsync(definition, sourceText, sourceBase, live, r, stdout, cts.Token).GetAwaiter().GetResult();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunAsync(PipelineDefinition definition, string sourceText, string sourceBase, bool live, RunRequest r,
        TextWriter stdout, CancellationToken cancellationToken)
    {
        var request = RunMedia.Request(definition, fromFile: r.Input is null, sourceBase, live, r.Frames, r.Backend);
        await using var source = RunMedia.OpenSource(sourceText, request);
        var info = source.Info;
        var plan = PipelinePlan.Build(definition, new FrameFormat(info.Width, info.Height, info.Channels, PixelDepth.U8));
        var sinks = new Dictionary<string, IVideoSink>();
        // A window's q/Esc or close button stops the run like Ctrl+C (outputs finished), but it is a normal end: exit 0.
        bool stoppedByWindow = false;
        using var windowStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var notes = new List<string>();
            foreach (var output in plan.Outputs)
            {
                string? note = null;
                sinks[output.Name] = r.NullOutputs ? new NullSink() : RunMedia.CreateSink(output, r.OutputDirectory, r.Backend, info.HasAudio, out note);
                if (note is not null) notes.Add(note);
                if (sinks[output.Name] is Media.Windows.WindowSink window)
                    window.StopRequested += (_, _) => { stoppedByWindow = true; windowStop.Cancel(); };
            }
            stdout.WriteLine($"source: {sourceText} via {Media.MediaSpec.BackendOf(source)}{(source is Media.OpenCv.OpenCvCaptureSource c ? $" ({c.Granted})" : "")}");
            foreach (var note in notes) Console.Error.WriteLine($"convstream run: note: {note}");
            var runner = new PipelineRunner(plan, source, sinks, new RunOptions { MaxFrames = r.Frames });
            long? total = r.Frames is long n ? Math.Min(n, info.FrameCount ?? n) : info.FrameCount;
            var run = runner.RunAsync(windowStop.Token);
            if (!live) await new RunProgress(runner, total).WatchAsync(run).ConfigureAwait(false);
            var summary = await run.ConfigureAwait(false);
            stdout.WriteLine(SummaryTable.Format(summary));
            foreach (var output in plan.Outputs)
                if (output.Definition.Path is not null && !r.NullOutputs) stdout.WriteLine($"wrote {sinks[output.Name].Description} via {RunMedia.BackendOf(sinks[output.Name])}");
            return summary.Cancelled && !(stoppedByWindow && !cancellationToken.IsCancellationRequested) ? CliApp.ExitInterrupted : 0;
        }
        finally
        {
            foreach (var sink in sinks.Values) await sink.DisposeAsync().ConfigureAwait(false);
        }
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
        catch (ConvStreamException e) { throw new UsageException(e.Message); }
    }

    internal static long PositiveLong(string option, string text)
        => long.TryParse(text, out long v) && v > 0 ? v : throw new UsageException($"option {option} '{text}' must be a positive integer");
}
