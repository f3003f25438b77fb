using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Imaging;

namespace ConvStream.Stages.Filters;

/// <summary>Adapters of the per-pixel video filters: <c>gray</c>, <c>magnitude</c> and the fused <c>sobel-magnitude</c>.</summary>
internal static class PointStages
{
    public static IFrameFilter Gray(StageSpec spec) => new GrayFilter(spec.Settings);

    public static IFrameFilter Magnitude(StageSpec spec)
    {
        bool l1 = spec.Choice("norm", "l2", "l2", "l1") == "l1";
        var depth = SeparableStages.Depth(spec, PixelDepth.U8);
        if (depth == PixelDepth.S16) throw new ConvStreamException($"{spec.Context}: key 'depth' must be u8 or f32 but is s16");
        return new MagnitudeFilter(l1, depth, spec.Settings);
    }

    public static IFrameFilter SobelMagnitude(StageSpec spec)
    {
        bool l1 = spec.Choice("norm", "l2", "l2", "l1") == "l1";
        int size = spec.Int("size", 3);
        if (size != 3) throw new ConvStreamException($"{spec.Context}: key 'size' must be 3 (the fused stage is the 3x3 Sobel) but is {size}");
        double scale = spec.Double("scale", 1.0);
        var border = SeparableStages.Border(spec);
        return new SobelMagnitudeFilter(l1, (float)scale, border, spec.Settings);
    }
}
