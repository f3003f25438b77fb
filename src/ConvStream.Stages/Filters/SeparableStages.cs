using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;

namespace ConvStream.Stages.Filters;

/// <summary>
/// Adapters of the separable family (<c>gaussian</c>, <c>box</c>, <c>sobel</c>, <c>scharr</c>,
/// <c>laplacian</c>): each reads its keys, checks them against OpenCV's limits, and builds the
/// engine's filter (its kernel and <c>SeparableEngine</c>) once.
/// </summary>
internal static class SeparableStages
{
    public static IFrameFilter Gaussian(StageSpec spec)
    {
        int size = spec.Int("size", 0);
        double sigma = spec.Double("sigma", 0);
        double sigmaY = spec.Double("sigma_y", 0);
        var border = Border(spec);
        if (size < 0 || (size > 0 && size % 2 == 0) || size > 1001)
            throw new ConvStreamException($"{spec.Context}: key 'size' must be an odd number from 1 to 1001 (or 0 to derive it from sigma), got {size}");
        if (size == 0 && sigma <= 0)
            throw new ConvStreamException($"{spec.Context}: give 'size' (odd) or a positive 'sigma'");
        if (sigma > 200 || sigmaY > 200)
            throw new ConvStreamException($"{spec.Context}: sigma must be at most 200");
        return new GaussianFilter(size, sigma, sigmaY, border, spec.Settings);
    }

    public static IFrameFilter Box(StageSpec spec)
    {
        int size = spec.RequiredInt("size");
        bool normalize = spec.Bool("normalize", true);
        var depth = Depth(spec, PixelDepth.U8);
        var border = Border(spec);
        if (size is < 1 or > BoxFilter.MaxSize)
            throw new ConvStreamException($"{spec.Context}: key 'size' must be from 1 to {BoxFilter.MaxSize}, got {size}");
        return new BoxFilter(size, normalize, depth, border, spec.Settings);
    }

    public static IFrameFilter Sobel(StageSpec spec)
    {
        bool any = spec.Has("dx") | spec.Has("dy");
        int dx = spec.Int("dx", any ? 0 : 1);
        int dy = spec.Int("dy", 0);
        int size = spec.Int("size", 3);
        double scale = spec.Double("scale", 1);
        double delta = spec.Double("delta", 0);
        var depth = Depth(spec, PixelDepth.S16);
        var border = Border(spec);
        if (size is not (1 or 3 or 5 or 7))
            throw new ConvStreamException($"{spec.Context}: key 'size' must be 1, 3, 5 or 7, got {size}");
        if (dx < 0 || dy < 0 || dx + dy == 0)
            throw new ConvStreamException($"{spec.Context}: dx and dy must be ≥ 0 and not both 0, got dx={dx}, dy={dy}");
        int limit = size == 1 ? 2 : size - 1;
        if (dx > limit || dy > limit)
            throw new ConvStreamException($"{spec.Context}: derivative order must be at most {limit} for size {size}, got dx={dx}, dy={dy}");
        return new SobelFilter(dx, dy, size, scale, delta, depth, border, spec.Settings);
    }

    public static IFrameFilter Scharr(StageSpec spec)
    {
        bool any = spec.Has("dx") | spec.Has("dy");
        int dx = spec.Int("dx", any ? 0 : 1);
        int dy = spec.Int("dy", 0);
        double scale = spec.Double("scale", 1);
        double delta = spec.Double("delta", 0);
        var depth = Depth(spec, PixelDepth.S16);
        var border = Border(spec);
        if (!((dx == 1 && dy == 0) || (dx == 0 && dy == 1)))
            throw new ConvStreamException($"{spec.Context}: exactly one of dx, dy must be 1 (the other 0), got dx={dx}, dy={dy}");
        return new ScharrFilter(dx, dy, scale, delta, depth, border, spec.Settings);
    }

    public static IFrameFilter Laplacian(StageSpec spec)
    {
        int size = spec.Int("size", 1);
        double scale = spec.Double("scale", 1);
        double delta = spec.Double("delta", 0);
        var depth = Depth(spec, PixelDepth.S16);
        var border = Border(spec);
        if (size is not (1 or 3 or 5))
            throw new ConvStreamException($"{spec.Context}: key 'size' must be 1, 3 or 5, got {size}");
        return new LaplacianFilter(size, scale, delta, depth, border, spec.Settings);
    }

    /// <summary>The <c>border</c> key every 8-bit filter takes (default reflect = OpenCV's BORDER_REFLECT_101).</summary>
    internal static BorderMode Border(StageSpec spec) => spec.Parse("border", BorderMode.Reflect, s => BorderModes.Parse(s));

    internal static PixelDepth Depth(StageSpec spec, PixelDepth fallback) => spec.Parse("depth", fallback, s => PixelDepths.Parse(s));
}
