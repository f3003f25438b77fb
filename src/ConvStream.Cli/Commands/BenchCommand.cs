using System.CommandLine;
using ConvStream.Cli.CommandLine;
using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Outputs;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Synthetic;
using ConvStream.Pipeline.Video;
using ConvStream.Stages;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream bench</c>: runs a pipeline's stages (or a chain of --stage specs) on the synthetic
/// source with null sinks, offline, so the figures are the stages' own: per stage compute and
/// queue-wait percentiles, throughput, drops, allocated bytes per frame (whole process, all
/// threads, over the measured window) and GC collections. Warm-up frames are not measured.
/// </summary>
public static class BenchCommand
{
    public const string Summary = "benchmark a pipeline's stages on a synthetic source: per-stage latency, fps, allocations";

    internal static Command Create()
    {
        var file = CliOption.Positional("PIPELINE", "a pipeline file PIPELINE",
            "a pipeline file: its stages and schedule (its source and outputs are replaced)", optional: true);
        var stages = CliOption.Repeated("--stage", "OP[:key=value,...]", "instead of a file: a chain of stages, each reading the previous one (repeatable)");
        stages.CompletionSources.Add(StageCompletions.For(StageRegistry.Ops));
        var size = CliOption.Value("--size", "WxH", "frame size", "1920x1080");
        var frames = CliOption.Value("--frames", "N", "measured frames", "300");
        var warmup = CliOption.Value("--warmup", "N", "frames run first and not measured (JIT tiers and the frame pool's growth settle)", "100");
        var threads = CliOption.Value("--threads", "N", "cores per stage", defaultText: "the schedule's, else all");
        var json = CliOption.Value("--json", "FILE",
            "write {stages:[{name,op,compute_ms,queue_ms}], frames, fps, allocated_bytes_per_frame, gc_collections, size, threads}");
        var markdown = CliOption.Value("--markdown", "FILE", "write the same as a Markdown table");
        var plot = CliOption.Value("--plot", "FILE.png|.svg",
            "draw the frame-time series and per stage histograms of compute and queue wait (log time axis, p50 and p99 marked) into a PNG or SVG picture");
        var versusOption = CliOption.Value("--versus", "opencv",
            "then time, per stage, OpenCvSharp's equivalent call (GaussianBlur, Sobel, filter2D, …) on the same input frame in this " +
            "process, --repeat N times, with as many threads, and print its median and the ratio ConvStream p50 ÷ OpenCV median (< 1: faster)",
            completions: ["opencv"]);
        var repeatOption = CliOption.Value("--repeat", "N", "alternating timed runs of each library for --versus", "50");
        var command = new VerbCommand("bench", Summary,
            "usage: convstream bench [PIPELINE | --stage \"OP[:key=value,...]\" ...] [--size WxH] [--frames N] [--warmup N]" + Environment.NewLine +
            "                        [--threads N] [--json FILE] [--markdown FILE] [--plot FILE.png|.svg] [--versus opencv [--repeat N]]")
        {
            Notes = "Runs the stages on ConvStream's synthetic moving pattern (no file, no decoder) with null outputs, offline (every\n" +
                    "frame), and reports per stage compute and queue-wait p50/p95/p99/max, throughput, drops, bytes allocated per\n" +
                    "frame and GC collections.",
            Examples =
            [
                "convstream bench filters/pipelines/demo.json --frames 100 --warmup 20",
                "convstream bench --stage \"gaussian:size=5,sigma=0\" --stage sobel-magnitude --size 1280x720 --json bench.json --plot bench.png",
                "convstream bench --stage \"gaussian:size=7,sigma=0\" --versus opencv --repeat 20",
            ],
        };
        command.Arguments.Add(file);
        foreach (var option in new Option[] { stages, size, frames, warmup, threads, json, markdown, plot, versusOption, repeatOption }) command.Options.Add(option);
        command.SetAction(r => Execute(r.GetValue(file), r.GetValue(stages) ?? [], ParseSize(r.GetValue(size)!),
            OpOptions.Int("--frames", r.GetValue(frames), 300), OpOptions.Int("--warmup", r.GetValue(warmup), 100),
            r.GetValue(threads) is string t ? (int)RunCommand.PositiveLong("--threads", t) : null,
            r.GetValue(json), r.GetValue(markdown), r.GetValue(plot), r.GetValue(versusOption), OpOptions.Int("--repeat", r.GetValue(repeatOption), 50)));
        return command;
    }

    private static int Execute(string? file, IReadOnlyList<string> stages, (int W, int H) size, int frames, int warmup, int? threads,
        string? json, string? markdown, string? plot, string? versus, int repeat)
    {
        if (versus is not null && versus != "opencv") throw new UsageException($"option --versus '{versus}' must be opencv");
        if (repeat < 1) throw new UsageException($"option --repeat '{repeat}' must be positive");
        if (file is null == (stages.Count == 0)) throw new UsageException("bench needs a pipeline file or --stage specs (not both)");
        if (frames < 1) throw new UsageException($"option --frames '{frames}' must be positive");
        if (warmup < 0) throw new UsageException($"option --warmup '{warmup}' must not be negative");
        if (plot is not null) Plots.PlotFile.Check(plot, "--plot");
        if (json is not null) ReportFile.Check(json, "--json");
        if (markdown is not null) ReportFile.Check(markdown, "--markdown");

        var definition = file is not null ? FromFile(PipelineFile.Load(ShippedFiles.Resolve(file))) : FromStages(stages);
        definition = definition with
        {
            Schedule = definition.Schedule with
            {
                Mode = ScheduleMode.Offline, Drop = DropPolicy.Wait,
                Threads = threads ?? definition.Schedule.Threads,
            },
        };
        var plan = PipelinePlan.Build(definition, new FrameFormat(size.W, size.H, 3, PixelDepth.U8));
        var source = new SyntheticSource(size.W, size.H, 3, 30, warmup + frames);
        var sinks = plan.Outputs.ToDictionary(o => o.Name, _ => (IVideoSink)new NullSink());
        var runner = new PipelineRunner(plan, source, sinks, new RunOptions { WarmupFrames = warmup });
        Console.Error.WriteLine($"bench: {plan.Stages.Count} stage(s) at {size.W}x{size.H}, {warmup} warm-up + {frames} measured frames, {plan.Schedule.Threads} thread(s) per stage");
        var summary = runner.RunAsync().GetAwaiter().GetResult();

        string sizeText = $"{size.W}x{size.H}";
        string title = file is not null ? $"convstream bench {Path.GetFileName(file)}" : "convstream bench " + string.Join(" ", stages.Select(s => $"--stage \"{s}\""));
        Console.Out.Write(BenchReport.Markdown(summary, sizeText, plan.Schedule.Threads, title));
        Display.SummaryView.Write(Console.Out, summary);
        if (json is not null) BenchReport.Write(json, BenchReport.Json(summary, sizeText, plan.Schedule.Threads));
        if (markdown is not null) BenchReport.Write(markdown, BenchReport.Markdown(summary, sizeText, plan.Schedule.Threads, title));
        if (plot is not null)
        {
            // The picture's title must fit one line: the file, or the chain of ops.
            string name = file is not null ? Path.GetFileName(file) : string.Join(" → ", plan.Stages.Select(st => st.Name));
            string? warning = Plots.LatencyPlot.Write(plot, summary, $"convstream bench {name} at {sizeText}");
            Console.Out.WriteLine($"wrote the latency plot to {plot}{(warning is null ? "" : $" ({warning})")}");
        }
        if (versus is not null) Console.Out.Write(VersusOpenCv(plan, summary, size, repeat));
        return 0;
    }

    /// <summary>
    /// Per stage: ConvStream's stage and OpenCvSharp's equivalent on the same input frame, timed alternately
    /// in one loop (so both see the same machine load), medians and their ratio; the pipeline's p50 beside.
    /// </summary>
    private static string VersusOpenCv(PipelinePlan plan, RunSummary summary, (int W, int H) size, int repeat)
    {
        Media.OpenCv.OpenCvRuntime.EnsureLoaded("bench --versus opencv");
        // Both libraries get the schedule's thread count (the plan's stages carry it in their execution settings).
        OpenCvSharp.Cv2.SetNumThreads(plan.Schedule.Threads);
        return VersusOpenCvRows(plan, summary, size, repeat);
    }

    private static string VersusOpenCvRows(PipelinePlan plan, RunSummary summary, (int W, int H) size, int repeat)
    {
        // One synthetic frame, then each stage's input computed by ConvStream: both libraries get the same pixels.
        var source = new SyntheticSource(size.W, size.H, 3, 30, 1);
        var first = new Frame(size.W, size.H, 3);
        source.ReadAsync(first, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var frames = new Dictionary<string, Frame> { [PipelineFile.SourceName] = first };
        foreach (var stage in plan.Stages)
        {
            var inputs = stage.Definition.Inputs.Select(n => frames[n]).ToArray();
            var output = stage.Output.Allocate();
            stage.Filter.Apply(inputs, output);
            frames[stage.Name] = output;
        }
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"versus OpenCvSharp {Media.OpenCv.OpenCvRuntime.Version} ({plan.Schedule.Threads} thread(s), same input frame, medians of {repeat} alternating runs):");
        sb.AppendLine("| stage | op | ConvStream ms | OpenCvSharp ms | ratio | pipeline p50 ms |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var stage in plan.Stages)
        {
            double pipeline = summary.Nodes.First(n => n.Name == stage.Name).Compute.PercentileMs(0.5);
            var call = Media.OpenCv.OpenCvEquivalent.For(stage.Op, stage.Definition.Keys, stage.Filter);
            if (call is null || stage.Definition.Inputs.Count != 1)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {stage.Name} | {stage.Op} | — | no single OpenCV call | — | {pipeline:0.000} |");
                continue;
            }
            var inputs = stage.Definition.Inputs.Select(n => frames[n]).ToArray();
            var ours = frames[stage.Name];
            using var input = Media.OpenCv.MatView.Of(inputs[0]);
            using var output = new OpenCvSharp.Mat();
            for (int i = 0; i < 3; i++) { call(input, output); stage.Filter.Apply(inputs, ours); } // outputs allocated, caches warm
            var oursMs = new double[repeat];
            var theirsMs = new double[repeat];
            for (int i = 0; i < repeat; i++)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                stage.Filter.Apply(inputs, ours);
                oursMs[i] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                start = System.Diagnostics.Stopwatch.GetTimestamp();
                call(input, output);
                theirsMs[i] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            double a = Median(oursMs), b = Median(theirsMs);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {stage.Name} | {stage.Op} | {a:0.000} | {b:0.000} | {a / b:0.00} | {pipeline:0.000} |");
        }
        return sb.ToString();
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    /// <summary>The file's stages and schedule; a null output on every stage no other stage reads.</summary>
    private static PipelineDefinition FromFile(PipelineDefinition d)
    {
        var read = d.Stages.SelectMany(s => s.Inputs).ToHashSet();
        var outputs = d.Stages.Where(s => !read.Contains(s.Name))
            .Select(s => new OutputDefinition($"null:{s.Name}", OutputKind.Null, [s.Name], null, new Dictionary<string, string>()))
            .ToList();
        return d with { Source = null, Outputs = outputs };
    }

    private static PipelineDefinition FromStages(IReadOnlyList<string> specs)
    {
        var stages = new List<StageDefinition>();
        var names = new HashSet<string>();
        foreach (var text in specs)
        {
            var spec = StageSpec.Parse(text);
            string name = spec.Op;
            for (int k = 2; !names.Add(name); k++) name = $"{spec.Op}-{k}";
            stages.Add(new StageDefinition(name, spec.Op, [stages.Count == 0 ? PipelineFile.SourceName : stages[^1].Name], ShippedFiles.ResolveKeys(spec.Keys)));
        }
        return new PipelineDefinition
        {
            FilePath = "--stage",
            BaseDirectory = Directory.GetCurrentDirectory(),
            Stages = stages,
            Outputs = [new OutputDefinition("null", OutputKind.Null, [stages[^1].Name], null, new Dictionary<string, string>())],
            Schedule = ScheduleDefinition.For(ScheduleMode.Offline),
        };
    }

    internal static (int W, int H) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h) && w >= 2 && h >= 2)
        {
            Engine.Geometry.GeometryLimits.Frame(w, h, 3, 1, $"--size {text}");
            return (w, h);
        }
        throw new UsageException($"option --size '{text}' is not WxH (e.g. 1920x1080)");
    }
}
