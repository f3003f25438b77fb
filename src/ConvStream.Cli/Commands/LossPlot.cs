using ConvStream.Engine;
using ConvStream.Engine.Io;

namespace ConvStream.Cli.Commands;

/// <summary>
/// The loss curve of a fit as a PNG, drawn by ScottPlot (SkiaSharp underneath): loss per step on a
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
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => Math.Pow(10, v).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("loss (mean squared error)");
        plot.ShowLegend();
        byte[] png = plot.GetImageBytes(900, 540, ScottPlot.ImageFormat.Png);
        if (png.Length == 0) throw new ConvStreamException($"{path}: the plotting library produced no image");
        AtomicFile.Write(path, s => s.Write(png));
        // SkiaSharp's self-contained Linux build reads fonts from /usr/share/fonts only; without any
        // it still draws, but every label is missing.
        return SkiaSharp.SKFontManager.Default.FontFamilyCount == 0
            ? "no fonts found (SkiaSharp looks in /usr/share/fonts): the plot has no labels; install one, e.g. apt-get install fonts-dejavu-core"
            : null;
    }
}
