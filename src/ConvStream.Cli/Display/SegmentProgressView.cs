using System.Globalization;
using Spectre.Console;

namespace ConvStream.Cli.Display;

/// <summary>
/// The progress of <c>convstream run --segments N</c> on stderr while its workers run. On a terminal,
/// Spectre.Console's live display: one row per worker (bar, frames of its segment, status) and one for
/// the whole input. Elsewhere one line a second for all workers, which scripts read:
/// <c>segments 0:12/16 1:done 2:9/16 3:exit 1  37/64 frames  12.0 fps</c>.
/// </summary>
internal static class SegmentProgressView
{
    /// <summary>A worker as the display shows it: frames done of its segment's, and its exit code once it ended.</summary>
    internal readonly record struct Worker(int Index, long Done, long Frames, int? ExitCode);

    /// <summary>Calls <paramref name="tick"/> every 200 ms until <paramref name="finished"/>, showing <paramref name="workers"/> each time and once more at the end.</summary>
    public static void Watch(Func<IReadOnlyList<Worker>> workers, long totalFrames, Func<bool> finished, Action tick)
    {
        if (Terminal.Rich(Console.Error) is { } console) Live(console, workers, totalFrames, finished, tick);
        else Plain(Console.Error, workers, totalFrames, finished, tick);
    }

    public static void Live(IAnsiConsole console, Func<IReadOnlyList<Worker>> workers, long totalFrames, Func<bool> finished, Action tick, int sleepMs = 200)
    {
        console.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var first = workers();
                var rows = first.Select(w => context.AddTask(Describe(w), maxValue: Math.Max(1, w.Frames))).ToArray();
                var all = context.AddTask(All(first, totalFrames), maxValue: Math.Max(1, totalFrames));
                void Update()
                {
                    var now = workers();
                    for (int i = 0; i < rows.Length; i++)
                    {
                        rows[i].Value = Math.Min(now[i].Done, now[i].Frames);
                        rows[i].Description = Describe(now[i]);
                        if (now[i].ExitCode is not null && !rows[i].IsFinished) rows[i].StopTask();
                    }
                    all.Value = Done(now);
                    all.Description = All(now, totalFrames);
                }
                while (!finished()) { Thread.Sleep(sleepMs); Update(); tick(); }
                Update();
                all.StopTask();
            });
    }

    public static void Plain(TextWriter writer, Func<IReadOnlyList<Worker>> workers, long totalFrames, Func<bool> finished, Action tick, int intervalMs = 1000)
    {
        var start = DateTime.UtcNow;
        var last = DateTime.MinValue;
        void Line(bool final)
        {
            var now = DateTime.UtcNow;
            if (!final && now - last < TimeSpan.FromMilliseconds(intervalMs)) return;
            last = now;
            // After SIGHUP the terminal may be gone: that must not turn a clean stop into a crash.
            try { writer.WriteLine(Text(workers(), totalFrames, now - start)); }
            catch (IOException) { }
        }
        while (!finished()) { Thread.Sleep(200); Line(false); tick(); }
        Line(true);
    }

    /// <summary>"segments 0:12/16 1:done 2:9/16 3:exit 1  37/64 frames  12.0 fps".</summary>
    internal static string Text(IReadOnlyList<Worker> workers, long totalFrames, TimeSpan elapsed)
    {
        long done = Done(workers);
        double fps = done / Math.Max(1e-3, elapsed.TotalSeconds);
        var parts = workers.Select(w => $"{w.Index}:{Status(w)}");
        return string.Create(CultureInfo.InvariantCulture, $"segments {string.Join(" ", parts)}  {done}/{totalFrames} frames  {fps:F1} fps");
    }

    private static long Done(IReadOnlyList<Worker> workers) => workers.Sum(w => Math.Min(w.Done, w.Frames));

    private static string Status(Worker w) => w.ExitCode switch
    {
        0 => "done",
        int code => $"exit {code}",
        null => string.Create(CultureInfo.InvariantCulture, $"{w.Done}/{w.Frames}"),
    };

    private static string Describe(Worker w)
    {
        string status = w.ExitCode switch { 0 => "[green]done[/]", int code => $"[red]exit {code}[/]", null => "[grey]running[/]" };
        return string.Create(CultureInfo.InvariantCulture, $"segment {w.Index} {status} {Math.Min(w.Done, w.Frames)}/{w.Frames} frames");
    }

    private static string All(IReadOnlyList<Worker> workers, long totalFrames)
        => string.Create(CultureInfo.InvariantCulture, $"[bold]all[/] {Done(workers)}/{totalFrames} frames");
}
