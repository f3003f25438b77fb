using System.Globalization;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Runtime;
using Spectre.Console;

namespace ConvStream.Cli.Display;

/// <summary>
/// The end-of-run summary of <c>convstream run</c> and <c>convstream bench</c>: per node frames
/// in/out, drops, and queue-wait and compute percentiles (p50/p95/p99/max, ms), per output the
/// capture-to-sink age, then one line with frames, time, throughput, drops and the mode.
/// </summary>
internal static class SummaryView
{
    /// <summary>A table on a terminal, plain text elsewhere (<see cref="Terminal"/>).</summary>
    public static void Write(TextWriter writer, RunSummary summary)
    {
        if (Terminal.Rich(writer) is { } console) Render(console, summary);
        else writer.WriteLine(Plain(summary));
    }

    public static string Plain(RunSummary summary) => Table(summary).ToPlainText() + Totals(summary);

    public static void Render(IAnsiConsole console, RunSummary summary)
    {
        console.Write(Table(summary).ToSpectre());
        string totals = Totals(summary);
        // Drops and interruptions are what a person should notice.
        console.Write(new Text(totals + Environment.NewLine,
            new Style(summary.Cancelled || summary.Dropped > 0 ? Color.Yellow : Color.Green)));
    }

    public static TextTable Table(RunSummary summary)
    {
        var table = new TextTable(("node", false), ("op", false), ("in", true), ("out", true), ("drops", true),
            ("queue ms p50/p95/p99/max", false), ("compute ms p50/p95/p99/max", false));
        foreach (var n in summary.Nodes)
        {
            string name = n.Kind == NodeKind.Output ? $"→ {n.Name}" : n.Name;
            string queue = n.Kind == NodeKind.Stage ? Percentiles(n.QueueWait) : "";
            string compute = n.Kind switch
            {
                NodeKind.Stage => Percentiles(n.Compute),
                NodeKind.Output => "age " + Percentiles(n.Age),
                _ => "",
            };
            table.Add(name, n.Op, n.Kind == NodeKind.Source ? "" : Count(n.FramesIn), Count(n.FramesOut), Count(n.Dropped), queue, compute);
        }
        return table;
    }

    private static string Totals(RunSummary s)
        => string.Create(CultureInfo.InvariantCulture,
            $"{s.MeasuredFrames} frames in {s.MeasuredElapsed.TotalSeconds:F2} s ({s.FramesPerSecond:F1} frames/s), {s.Dropped} dropped, {s.Schedule.Mode.ToString().ToLowerInvariant()} mode")
           + (s.Cancelled ? ", interrupted" : "");

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    public static string Percentiles(LatencyHistogram h)
        => h.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture,
            $"{h.PercentileMs(0.5):F2}/{h.PercentileMs(0.95):F2}/{h.PercentileMs(0.99):F2}/{h.MaxMs:F2}");
}
