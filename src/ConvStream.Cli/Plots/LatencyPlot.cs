using System.Globalization;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Runtime;

namespace ConvStream.Cli.Plots;

/// <summary>
/// The figures of <c>convstream bench --plot</c> and <c>convstream run --plot</c> in one picture:
/// first the frame-time series (each stage's compute time per frame, each output's time between
/// frames), then per stage a histogram of its compute time and of its queue wait on a log time
/// axis shared by all stages, with p50 and p99 marked. The histograms are the run's own
/// (<see cref="LatencyHistogram"/>, whose percentiles the summary prints), regrouped into
/// <see cref="BinsPerOctave"/> bins per doubling so a few hundred frames still give a readable shape.
/// </summary>
internal static class LatencyPlot
{
    public const int BinsPerOctave = 8;
    public const int Width = 1100;
    public const int PanelHeight = 300;
    /// <summary>Every panel's data area has the same margins (legends go in the right one), so the time axes line up.</summary>
    private static readonly ScottPlot.PixelPadding Margins = new(left: 90, right: 340, bottom: 55, top: 40);

    /// <summary>Draws and writes the picture (PNG or SVG by extension); returns a warning when there are no fonts.</summary>
    public static string? Write(string path, RunSummary summary, string title)
    {
        var stages = summary.Nodes.Where(n => n.Kind == NodeKind.Stage).ToList();
        var multiplot = new ScottPlot.Multiplot(Series(summary, title)) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        var (min, max) = Range(stages);
        foreach (var stage in stages) multiplot.Subplots.Add(Histograms(stage, min, max));
        return PlotFile.Write(path, Width, Height(stages.Count), multiplot.Render);
    }

    /// <summary>Height of the picture for <paramref name="stages"/> stages.</summary>
    public static int Height(int stages) => PanelHeight * (1 + stages);

    private static ScottPlot.Plot Series(RunSummary summary, string title)
    {
        var plot = new ScottPlot.Plot();
        int framesPerSample = 1;
        var colors = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var node in summary.Nodes.Where(n => n.Kind != NodeKind.Source))
        {
            var series = node.FrameTimes;
            var color = colors.GetColor(i++);
            if (series.Count == 0) continue;
            framesPerSample = Math.Max(framesPerSample, series.FramesPerSample);
            var xs = new double[series.Count];
            var ys = new double[series.Count];
            for (int k = 0; k < series.Count; k++)
            {
                xs[k] = (double)k * series.FramesPerSample;
                ys[k] = LogMs(series[k]);
            }
            // Outputs' lines are lighter: with null sinks they mostly repeat the slowest stage.
            var line = plot.Add.ScatterLine(xs, ys, node.Kind == NodeKind.Stage ? color : color.WithAlpha(0.6));
            line.LineWidth = node.Kind == NodeKind.Stage ? 1.5f : 1f;
            line.LegendText = node.Kind == NodeKind.Stage ? $"{node.Name} compute" : $"→ {node.Name} between frames";
        }
        PlotFile.LogAxis(plot.Axes.Left, Ms);
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"{title}: {summary.MeasuredFrames} frames, {summary.FramesPerSecond:F1} frames/s"));
        plot.XLabel(framesPerSample == 1 ? "measured frame" : $"measured frame (each point: the largest of {framesPerSample} frames)");
        plot.YLabel("ms per frame (log scale)");
        plot.ShowLegend(ScottPlot.Edge.Right);
        plot.Layout.Fixed(Margins);
        return plot;
    }

    private static ScottPlot.Plot Histograms(StageMetrics stage, double min, double max)
    {
        var plot = new ScottPlot.Plot();
        var colors = new ScottPlot.Palettes.Category10();
        long tallest = Math.Max(Histogram(plot, stage.Compute, "compute", colors.GetColor(0)),
            Histogram(plot, stage.QueueWait, "queue wait", colors.GetColor(1)));
        PlotFile.LogAxis(plot.Axes.Bottom, Ms);
        // Room above the tallest bar for the legend.
        plot.Axes.SetLimits(min, max, 0, Math.Max(1, tallest) * 1.1);
        plot.Title($"stage {stage.Name} ({stage.Op})");
        plot.XLabel("ms (log scale); lines: p50 (thick), p99 (thin)");
        plot.YLabel("frames");
        plot.ShowLegend(ScottPlot.Edge.Right);
        plot.Layout.Fixed(Margins);
        return plot;
    }

    /// <returns>The tallest bar's count.</returns>
    private static long Histogram(ScottPlot.Plot plot, LatencyHistogram histogram, string what, ScottPlot.Color color)
    {
        if (histogram.Count == 0) return 0;
        var bars = new List<ScottPlot.Bar>();
        var bins = Bins(histogram);
        foreach (var (bin, count) in bins)
        {
            double lo = LogMs(BinEdge(bin)), hi = LogMs(BinEdge(bin + 1));
            bars.Add(new ScottPlot.Bar
            {
                Position = (lo + hi) / 2, Size = hi - lo, Value = count,
                FillColor = color.WithAlpha(0.55), LineWidth = 0,
            });
        }
        var plotted = plot.Add.Bars(bars);
        plotted.LegendText = string.Create(CultureInfo.InvariantCulture,
            $"{what} p50 {Ms3(histogram.PercentileMs(0.5))}, p99 {Ms3(histogram.PercentileMs(0.99))} ms");
        // Solid lines told apart by width: Skia's SVG canvas cannot draw dashes.
        plot.Add.VerticalLine(LogMs(histogram.Percentile(0.5)), 2.5f, color);
        plot.Add.VerticalLine(LogMs(histogram.Percentile(0.99)), 1f, color);
        return bins.Values.Max();
    }

    /// <summary>The histogram's buckets regrouped by bin: bin k holds values in [2^(k/8), 2^((k+1)/8)) ns.</summary>
    internal static SortedDictionary<int, long> Bins(LatencyHistogram histogram)
    {
        var bins = new SortedDictionary<int, long>();
        foreach (var b in histogram.Buckets())
        {
            // A fine bucket lies within one power of two; its midpoint decides its bin.
            int bin = BinOf((b.LowerNs + b.UpperNs) / 2.0);
            bins[bin] = bins.GetValueOrDefault(bin) + b.Count;
        }
        return bins;
    }

    internal static int BinOf(double nanoseconds) => (int)Math.Floor(Math.Log2(Math.Max(1, nanoseconds)) * BinsPerOctave);

    internal static double BinEdge(int bin) => Math.Pow(2, (double)bin / BinsPerOctave);

    /// <summary>The log time axis every histogram shares: from the fastest to the slowest bin of any stage.</summary>
    private static (double Min, double Max) Range(IEnumerable<StageMetrics> stages)
    {
        var bins = stages.SelectMany(s => new[] { s.Compute, s.QueueWait }).Where(h => h.Count > 0).SelectMany(h => Bins(h).Keys).ToList();
        if (bins.Count == 0) return (LogMs(1e3), LogMs(1e9));
        double lo = LogMs(BinEdge(bins.Min())), hi = LogMs(BinEdge(bins.Max() + 1));
        double pad = Math.Max(0.1, (hi - lo) * 0.05);
        return (lo - pad, hi + pad);
    }

    private static double LogMs(double nanoseconds) => Math.Log10(Math.Max(1, nanoseconds) / 1e6);

    /// <summary>Three significant digits (4.39, 14.8, 0.236).</summary>
    private static string Ms3(double ms) => ms.ToString(ms >= 100 ? "0" : ms >= 10 ? "0.#" : ms >= 1 ? "0.##" : "0.###", CultureInfo.InvariantCulture);

    private static string Ms(double ms) => ms.ToString(ms < 1 ? "0.######" : "0", CultureInfo.InvariantCulture);
}
