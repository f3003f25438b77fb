using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Io;
using SkiaSharp;

namespace ConvStream.Cli.Plots;

/// <summary>
/// The picture files of the <c>--plot</c> options, drawn by ScottPlot on SkiaSharp: which paths are
/// accepted (checked before any work), the base-10 log axis the plots share, and writing a PNG or
/// an SVG (Skia's SVG canvas: text stays text, so the names in it can be searched) without leaving a
/// half-written file behind.
/// </summary>
internal static class PlotFile
{
    /// <summary>The extensions <see cref="Write"/> understands.</summary>
    public static readonly string[] Extensions = [".png", ".svg"];

    /// <summary>
    /// Refuses a path before the run: an unknown extension is a command-line error (<see cref="UsageException"/>,
    /// exit 2), a folder that does not exist is bad input (exit 1), as for the other file options.
    /// </summary>
    public static void Check(string path, string option, IReadOnlyList<string>? extensions = null)
    {
        extensions ??= Extensions;
        if (!extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            throw new UsageException($"option {option} '{path}' must end in {string.Join(" or ", extensions)}");
        Commands.ReportFile.Check(path, option);
    }

    /// <summary>
    /// Makes <paramref name="axis"/> a log scale for values plotted as log10: major ticks on powers
    /// of ten, labelled with <paramref name="label"/> (given the value, not its log), minor ticks between.
    /// </summary>
    public static void LogAxis(ScottPlot.IAxis axis, Func<double, string>? label = null)
    {
        label ??= v => v.ToString("G3", CultureInfo.InvariantCulture);
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            LabelFormatter = v => label(Math.Pow(10, v)),
        };
    }

    /// <summary>Renders <paramref name="draw"/> onto a <paramref name="width"/>×<paramref name="height"/> PNG or SVG, by the path's extension.</summary>
    /// <returns>A warning when the machine has no fonts (the picture then has no labels), else null.</returns>
    public static string? Write(string path, int width, int height, Action<SKCanvas, ScottPlot.PixelRect> draw)
    {
        var rect = new ScottPlot.PixelRect(0, width, height, 0);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            AtomicFile.Write(path, stream =>
            {
                // The SVG is complete once the canvas is disposed.
                using var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream);
                draw(canvas, rect);
            });
        else
        {
            using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
                ?? throw new ConvStreamException($"{path}: SkiaSharp could not make a {width}x{height} picture");
            draw(surface.Canvas, rect);
            using var image = surface.Snapshot();
            using var png = image.Encode(SKEncodedImageFormat.Png, 100);
            if (png is null || png.Size == 0) throw new ConvStreamException($"{path}: the plotting library produced no image");
            AtomicFile.Write(path, png.SaveTo);
        }
        // SkiaSharp's self-contained Linux build reads fonts from /usr/share/fonts only; without any
        // it still draws, but every label is missing.
        return SKFontManager.Default.FontFamilyCount == 0
            ? "no fonts found (SkiaSharp looks in /usr/share/fonts): the plot has no labels; install one, e.g. apt-get install fonts-dejavu-core"
            : null;
    }
}
