namespace ConvStream.Cli.Plots;

/// <summary>
/// The loss curve of a fit (<c>convstream fit --plot</c>), drawn by ScottPlot: loss per step on a
/// log scale, the least-squares optimum as a horizontal line when it is known.
/// </summary>
internal static class LossPlot
{
    /// <summary>Draws and writes the plot; returns a warning when the machine has no fonts (the plot then has no labels).</summary>
    public static string? Write(string path, IReadOnlyList<double> loss, double? optimum, string title)
    {
        var plot = new ScottPlot.Plot();
        // Log scale by plotting log10 values with a tick generator that labels them as powers of ten.
        double floor = loss.Where(v => v > 0).DefaultIfEmpty(1).Min() * 1e-3;
        double Log(double v) => Math.Log10(Math.Max(v, floor));
        var steps = Enumerable.Range(1, loss.Count).Select(i => (double)i).ToArray();
        var curve = plot.Add.ScatterLine(steps, loss.Select(Log).ToArray());
        curve.LegendText = "Adam";
        curve.LineWidth = 2;
        if (optimum is double best && best > 0)
        {
            var line = plot.Add.HorizontalLine(Log(best));
            line.LegendText = "least squares";
            line.LinePattern = ScottPlot.LinePattern.Dashed;
        }
        PlotFile.LogAxis(plot.Axes.Left);
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("loss (mean squared error)");
        plot.ShowLegend();
        return PlotFile.Write(path, 900, 540, plot.Render);
    }
}
