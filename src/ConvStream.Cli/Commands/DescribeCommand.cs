using System.CommandLine;
using ConvStream.Cli.CommandLine;
using System.Globalization;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream describe PIPELINE</c>: validates and plans the file without running it, then
/// prints per stage its inputs, output shape, receptive field on the source (DESIGN §3:
/// r = 1 + Σ (k_i − 1)·d_i·Π s_j along the path from the source) and multiply-adds per frame,
/// the outputs, and what the schedule will do.
/// </summary>
public static class DescribeCommand
{
    public const string Summary = "check a pipeline file and show each stage's shape, receptive field, work and the schedule";

    internal static Command Create()
    {
        var file = CliOption.Positional("PIPELINE", "a pipeline file PIPELINE", "a pipeline file (filters/pipelines/*.json)");
        var input = CliOption.Value("--input", "PATH|test[:WxH@FPS]", "plan for this source instead of the file's", defaultText: "the file's source");
        var size = CliOption.Value("--size", "WxH", "plan for this frame size (needed for cameras)", defaultText: "probed from the source");
        var channels = CliOption.Value("--channels", "1|3", "channels of the --size frames", "3", completions: ["1", "3"]);
        var backend = CliOption.Value("--backend", "auto|opencv|ffmpeg", "who reads the source and writes video outputs, as convstream run --backend chooses",
            defaultText: "the source's \"backend\" key, else auto", completions: RunCommand.Backends);
        var command = new VerbCommand("describe", Summary,
            "usage: convstream describe PIPELINE [--input PATH|test[:WxH@FPS]] [--size WxH] [--channels 1|3] [--backend auto|opencv|ffmpeg]")
        {
            Notes = "Plans the pipeline from its source's frame format (files are probed; test sources know theirs; --size sets it,\n" +
                    "and is needed for cameras) and prints, per stage, the output shape, the receptive field on the source frame,\n" +
                    "multiply-adds per frame, what the schedule will do, and which backend (opencv or ffmpeg) reads the source and\n" +
                    "writes each output.",
            Examples = ["convstream describe filters/pipelines/demo.json", "convstream describe my.json --size 1920x1080 --channels 1"],
        };
        command.Arguments.Add(file);
        foreach (var option in new Option[] { input, size, channels, backend }) command.Options.Add(option);
        command.SetAction(r => Execute(r.GetValue(file)!, r.GetValue(input), r.GetValue(size),
            OpOptions.Int("--channels", r.GetValue(channels), 3), r.GetValue(backend) is string b ? RunCommand.ParseBackend(b) : null));
        return command;
    }

    private static int Execute(string file, string? input, string? size, int channels, Media.MediaBackend? backend)
    {
        if (channels is not (1 or 3)) throw new UsageException($"option --channels '{channels}' must be 1 or 3");

        var d = PipelineFile.Load(ShippedFiles.Resolve(file));
        FrameFormat format;
        double? frameRate = null;
        if (size is not null) format = new FrameFormat(BenchCommand.ParseSize(size).W, BenchCommand.ParseSize(size).H, channels, PixelDepth.U8);
        else
        {
            string text = input ?? d.Source?.Text ?? throw new UsageException($"{d.FileName} names no source: give --input or --size");
            var info = RunMedia.Probe(text, input is not null ? Directory.GetCurrentDirectory() : d.BaseDirectory);
            format = new FrameFormat(info.Width, info.Height, info.Channels, PixelDepth.U8);
            frameRate = info.FrameRate > 0 ? info.FrameRate : null;
        }
        var plan = PipelinePlan.Build(d, format);
        Describe(plan, frameRate).WriteTo(Console.Out);
        string? sourceText = input ?? d.Source?.Text;
        if (sourceText is not null)
        {
            var request = RunMedia.Request(d, fromFile: input is null, input is not null ? Directory.GetCurrentDirectory() : d.BaseDirectory, false, null, backend);
            Console.Out.WriteLine($"backend: source {sourceText} via {Media.MediaSpec.BackendOf(sourceText, request)}; video outputs via {(RunMedia.VideoBackend(backend) == Media.MediaBackend.Ffmpeg ? "ffmpeg" : "opencv (VideoWriter: mp4v/MJPG/FFV1, no audio)")}");
        }
        return 0;
    }

    /// <summary>The report: a heading, the stage table, totals, the time table (temporal stages), notes, outputs and schedule.</summary>
    internal static Display.Document Describe(PipelinePlan plan, double? frameRate = null)
    {
        var d = plan.Definition;
        var doc = new Display.Document();
        doc.Line($"{d.FileName}{(d.Description is null ? "" : ": " + d.Description)}", heading: true);
        doc.Line($"source: {d.Source?.Text ?? "(from --input)"} → {plan.SourceFormat}");
        var table = new Display.TextTable(("stage", false), ("op", false), ("input", false), ("output", false), ("receptive field", false), ("multiply-adds/frame", true));
        foreach (var s in plan.Stages)
        {
            string field = s.ReceptiveField.H == s.ReceptiveField.W ? $"{s.ReceptiveField.H}x{s.ReceptiveField.W}" : $"{s.ReceptiveField.H}x{s.ReceptiveField.W} (HxW)";
            if (s.Jump > 1) field += $", step {s.Jump}";
            table.Add(s.Name, s.Op, string.Join(" + ", s.Definition.Inputs), s.Output.ToString(), field, Work(s.MultiplyAdds));
        }
        doc.Table(table);
        long total = plan.Stages.Sum(s => s.MultiplyAdds);
        doc.Line($"total: {Work(total)} multiply-adds per frame");
        DescribeLayouts(doc, plan);
        DescribeTime(doc, plan, frameRate);
        var consumed = plan.Stages.SelectMany(s => s.Definition.Inputs).Concat(plan.Outputs.SelectMany(o => o.Definition.Stages)).ToHashSet();
        foreach (var unused in plan.Stages.Where(s => !consumed.Contains(s.Name)))
            doc.Line($"note: stage '{unused.Name}' feeds no stage or output: it is computed and discarded");
        doc.Line("outputs:");
        foreach (var o in plan.Outputs)
        {
            string what = o.Definition.Kind switch
            {
                OutputKind.Mosaic => $"mosaic of {string.Join(", ", o.Definition.Stages)} → {o.Display}" + (o.Definition.Path is null ? " (window, with --preview)" : $" → {o.Definition.Path}"),
                OutputKind.Preview => $"window showing {o.Definition.Stages[0]} (with --preview)",
                OutputKind.Null => $"{o.Definition.Stages[0]} discarded",
                OutputKind.Window => $"OpenCV window showing {o.Definition.Stages[0]}{(o.Definition.Options.GetValueOrDefault("overlay") == "true" ? " with fps/latency overlay" : "")}",
                _ => $"{o.Definition.Stages[0]} → {o.Definition.Path} ({o.Display})",
            };
            doc.Line($"  {o.Name}: {what}");
        }
        doc.Line($"schedule: {plan.Schedule.Describe()}");
        return doc;
    }

    /// <summary>
    /// Where frames travel planar (C,H,W) f32 and where the runner converts: one line, only for a
    /// pipeline with tensor stages (every other frame is interleaved, as OpenCV's).
    /// </summary>
    private static void DescribeLayouts(Display.Document doc, PipelinePlan plan)
    {
        if (plan.Conversions.Count == 0) return;
        var planar = plan.Stages.Where(s => s.OutputLayout == Engine.Imaging.FrameLayout.Planar).Select(s => s.Name).ToArray();
        var into = plan.Conversions.Where(c => c.Input is not null).Select(c => $"{c.Stage} (from {c.Input})");
        var back = plan.Conversions.Where(c => c.Input is null).Select(c => c.Stage);
        doc.Line($"layout: planar (C,H,W) f32 out of {(planar.Length == 0 ? "no stage" : string.Join(", ", planar))}; converted to planar into {Or(into)}; back to interleaved out of {Or(back)}");
        static string Or(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none";
    }

    /// <summary>
    /// The temporal stages' windows, each stage's delay behind the source and its receptive field
    /// in time (source frames one output depends on), then the pipeline's total delay in frames
    /// and milliseconds. Nothing when no stage looks across time.
    /// </summary>
    private static void DescribeTime(Display.Document doc, PipelinePlan plan, double? frameRate)
    {
        var time = TemporalPlan.For(plan);
        if (!time.Any) return;
        var table = new Display.TextTable(("stage", false), ("window", false), ("delay", false), ("receptive field in time", true));
        foreach (var s in plan.Stages)
        {
            var t = time.Stages[s.Name];
            if (t.Span == 1 && !t.Unbounded && t.Delay == 0) continue;
            string window = t.Unbounded && t.Span == 1 && s.Filter is Engine.Filters.Temporal.ITemporalFilter
                ? "running state (every earlier frame)"
                : t.Span == 1 ? "1 frame" : $"{t.Span} frames: {t.Past} before, {t.Future} after";
            string field = t.Unbounded ? "all earlier frames (running state)" : $"{t.Field} frame(s)";
            table.Add(s.Name, window, $"{t.Delay} frame(s)", field);
        }
        doc.Line("time:");
        doc.Table(table, indent: 2);
        string ms = frameRate is double fps ? string.Create(CultureInfo.InvariantCulture, $" = {time.DelayFrames * 1000 / fps:0.#} ms at {fps:0.##} fps") : " (frame rate unknown)";
        string why = plan.Schedule.Mode == ScheduleMode.Live ? " (live: every window is causal)"
            : time.DelayFrames > 0 ? " (offline: centred windows wait for the frames after; the last ones are flushed at the end)" : "";
        doc.Line($"delay: {time.DelayFrames} frame(s){(time.DelayFrames > 0 ? ms : "")} behind the source{why}");
    }

    internal static string Work(long n) => n switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e9:F2} G"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e6:F1} M"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e3:F1} k"),
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}
