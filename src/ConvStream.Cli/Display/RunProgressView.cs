using System.Globalization;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Runtime;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ConvStream.Cli.Display;

/// <summary>
/// The progress of an offline <c>convstream run</c> on stderr. On a terminal, Spectre.Console's live
/// display: one row per output with its bar (when the frame count is known), frames written,
/// frames/s, ETA and status (writing, done, interrupted, failed). Elsewhere one plain line a second
/// and a last one at the end, so a log gets a readable record and no carriage returns.
/// </summary>
internal static class RunProgressView
{
    public static Task WatchAsync(PipelineRunner runner, long? total, Task<RunSummary> run)
        => Terminal.Rich(Console.Error) is { } console ? LiveAsync(console, runner, total, run) : PlainAsync(Console.Error, runner, total, run);

    /// <summary>The live display on <paramref name="console"/> until <paramref name="run"/> ends (it does not throw what the run throws).</summary>
    public static Task LiveAsync(IAnsiConsole console, PipelineRunner runner, long? total, Task<RunSummary> run, TimeSpan? refresh = null)
    {
        var outputs = runner.Nodes.Where(n => n.Kind == NodeKind.Output).ToArray();
        var progress = console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new FramesColumn(), new RateColumn());
        return progress.StartAsync(async context =>
        {
            var tasks = outputs.Select(o =>
            {
                var task = context.AddTask(Describe(o, "writing", "grey"), maxValue: total is > 0 ? total.Value : 1);
                task.IsIndeterminate = total is not > 0;
                return task;
            }).ToArray();
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(refresh ?? TimeSpan.FromMilliseconds(100))).ConfigureAwait(false);
                for (int i = 0; i < outputs.Length; i++) tasks[i].Value = outputs[i].FramesOut;
            }
            var (status, color) = run.IsFaulted ? ("failed", "red") : run.IsCanceled || run.Result.Cancelled ? ("interrupted", "yellow") : ("done", "green");
            for (int i = 0; i < outputs.Length; i++)
            {
                tasks[i].Value = outputs[i].FramesOut;
                tasks[i].Description = Describe(outputs[i], status, color);
                // A finished task's bar is drawn full; an interrupted one keeps the count it reached.
                if (status == "done" && tasks[i].IsIndeterminate) { tasks[i].IsIndeterminate = false; tasks[i].MaxValue = Math.Max(1, outputs[i].FramesOut); }
                tasks[i].StopTask();
            }
        });
    }

    /// <summary>A line every <paramref name="interval"/> (default a second) while the run lasts, and one at the end.</summary>
    public static async Task PlainAsync(TextWriter writer, PipelineRunner runner, long? total, Task<RunSummary> run, TimeSpan? interval = null)
    {
        var start = DateTime.UtcNow;
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(interval ?? TimeSpan.FromSeconds(1))).ConfigureAwait(false);
            if (!run.IsCompleted) Line(writer, runner.FramesWritten, total, DateTime.UtcNow - start);
        }
        Line(writer, runner.FramesWritten, total, DateTime.UtcNow - start);
    }

    /// <summary>
    /// "[############------------------] 120/300 frames  59.8 fps  ETA 0:03", or "120 frames  59.8 fps  2 s"
    /// when the total is unknown: the line convstream has always printed, which scripts (and the
    /// --segments parent reading its workers) parse.
    /// </summary>
    internal static string Text(long done, long? total, TimeSpan elapsed)
    {
        double seconds = Math.Max(1e-3, elapsed.TotalSeconds), fps = done / seconds;
        if (total is not long n || n <= 0) return string.Create(CultureInfo.InvariantCulture, $"{done} frames  {fps:F1} fps  {seconds:F0} s");
        int filled = (int)(Math.Clamp((double)done / n, 0, 1) * 30);
        return string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('-', 30 - filled)}] {done}/{n} frames  {fps:F1} fps  ETA {Eta(done, n, fps)}");
    }

    private static string Eta(double done, double total, double fps)
        => fps > 0 && done < total ? TimeSpan.FromSeconds((total - done) / fps).ToString(@"m\:ss", CultureInfo.InvariantCulture) : "0:00";

    private static void Line(TextWriter writer, long done, long? total, TimeSpan elapsed)
    {
        // After SIGHUP the terminal may be gone: that must not turn a clean stop into a crash.
        try { writer.WriteLine(Text(done, total, elapsed)); }
        catch (IOException) { }
    }

    private static string Describe(StageMetrics output, string status, string color) => $"→ {Markup.Escape(output.Name)} [{color}]{status}[/]";

    /// <summary>"120/300 frames", or "120 frames" while the total is unknown.</summary>
    private sealed class FramesColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
            => new Text(task.IsIndeterminate
                ? string.Create(CultureInfo.InvariantCulture, $"{task.Value:0} frames")
                : string.Create(CultureInfo.InvariantCulture, $"{task.Value:0}/{task.MaxValue:0} frames"));
    }

    /// <summary>Frames per second since the start (not a moving window: a run's rate is what its ETA needs) and the ETA.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            double seconds = Math.Max(1e-3, (task.ElapsedTime ?? TimeSpan.Zero).TotalSeconds), fps = task.Value / seconds;
            string eta = task.IsIndeterminate || task.IsFinished ? "" : $"  ETA {Eta(task.Value, task.MaxValue, fps)}";
            return new Text(string.Create(CultureInfo.InvariantCulture, $"{fps:F1} fps{eta}"), new Style(Color.Grey));
        }
    }
}
