using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Imaging;

namespace ConvStream.Stages.Filters;

/// <summary>
/// The adapter of <c>conv</c> (<c>cv2.filter2D</c>): reads the kernel file and the stage's keys
/// (which override the file's <c>mode</c> and <c>anchor</c>, multiply its <c>scale</c> and add
/// <c>delta</c> to its bias, as <c>filters/README.md</c> says) and builds the filter once.
/// </summary>
public static class ConvStage
{
    internal static IFrameFilter Create(StageSpec spec)
    {
        string path = spec.ResolvePath(spec.RequiredString("kernel"));
        KernelFile file;
        try { file = KernelFile.Load(path); }
        catch (ConvStreamException e) { throw new ConvStreamException($"{spec.Context}: {e.Message}", e); }
        string? mode = spec.Has("mode") ? spec.Choice("mode", "correlate", "correlate", "convolve") : null;
        double delta = spec.Double("delta", 0);
        double scale = spec.Double("scale", 1);
        PixelDepth? depth = spec.Has("depth") ? SeparableStages.Depth(spec, PixelDepth.U8) : null;
        (int X, int Y)? anchor = spec.Has("anchor") ? spec.Parse<(int, int)>("anchor", (0, 0), ParseAnchor) : null;
        if (anchor is (-1, -1)) anchor = null;                        // OpenCV's "kernel centre"
        var border = SeparableStages.Border(spec);
        try { return Build(file.ToKernel(mode, scale, delta, anchor, border), depth, file.Name, spec.Settings); }
        catch (ConvStreamException e) { throw new ConvStreamException($"{spec.Context}: {e.Message}", e); }
    }

    /// <summary>
    /// The stage for a ready kernel: a 2-D kernel applied to every channel runs through
    /// <see cref="Engine.Filters.Kernels.Filter2D"/> (OpenCV's per-channel filter2D); a multi-channel
    /// kernel is a CNN layer and runs through conv2d's engine (<see cref="MultiChannelConvStage"/>).
    /// </summary>
    public static IFrameFilter Build(Engine.Filters.Kernels.Filter2DKernel kernel, PixelDepth? depth, string kernelName, Engine.Simd.ExecutionSettings settings)
        => kernel.PerChannel ? new ConvFilter(kernel, depth, kernelName, settings) : new MultiChannelConvStage(kernel, depth, kernelName, settings);

    private static (int, int) ParseAnchor(string s)
    {
        var parts = s.Split(';');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int x)
                              && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int y))
            return (x, y);
        throw new ConvStreamException($"anchor '{s}' is not X;Y (two integers separated by ';')");
    }
}
