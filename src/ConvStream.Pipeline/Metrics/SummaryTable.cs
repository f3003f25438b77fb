using System.Globalization;
using System.Text;
using ConvStream.Pipeline.Runtime;

namespace ConvStream.Pipeline.Metrics;

/// <summary>
/// The end-of-run summary as aligned text: per stage frames in/out, drops, and queue-wait and
/// compute percentiles (p50/p95/p99/max, ms); per output the capture-to-sink age.
/// </summary>
public static class SummaryTable
{
    public static string Format(RunSummary summary)
    {
        var rows = new List<string[]>
        {
            new[] { "node", "op", "in", "out", "drops", "queue ms p50/p95/p99/max", "compute ms p50/p95/p99/max" },
        };
        foreach (var n in summary.Nodes)
        {
            string name = n.Kind == NodeKind.Output ? $"→ {n.Name}" : n.Name;
            string q = n.Kind == NodeKind.Stage ? Percentiles(n.QueueWait) : "";
            string c = n.Kind switch
            {
                NodeKind.Stage => Percentiles(n.Compute),
                NodeKind.Output => "age " + Percentiles(n.Age),
                _ => "",
            };
            rows.Add([name, n.Op, n.Kind == NodeKind.Source ? "" : n.FramesIn.ToString(CultureInfo.InvariantCulture),
                n.FramesOut.ToString(CultureInfo.InvariantCulture), n.Dropped.ToString(CultureInfo.InvariantCulture), q, c]);
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            for (int i = 0; i < r.Length; i++)
            {
                bool numeric = i is 2 or 3 or 4;
                sb.Append(numeric ? r[i].PadLeft(widths[i]) : r[i].PadRight(widths[i]));
                if (i < r.Length - 1) sb.Append("  ");
            }
            sb.AppendLine();
        }
        sb.Append(CultureInfo.InvariantCulture,
            $"{summary.MeasuredFrames} frames in {summary.MeasuredElapsed.TotalSeconds:F2} s ({summary.FramesPerSecond:F1} frames/s), {summary.Dropped} dropped, {summary.Schedule.Mode.ToString().ToLowerInvariant()} mode");
        if (summary.Cancelled) sb.Append(", interrupted");
        return sb.ToString();
    }

    public static string Percentiles(LatencyHistogram h)
        => h.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture,
            $"{h.PercentileMs(0.5):F2}/{h.PercentileMs(0.95):F2}/{h.PercentileMs(0.99):F2}/{h.MaxMs:F2}");
}
