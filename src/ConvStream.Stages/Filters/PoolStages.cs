using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Ops;

namespace ConvStream.Stages.Filters;

/// <summary>Adapters of the 8-bit pools <c>maxpool</c> and <c>avgpool</c>: <c>size</c> (default 2) and <c>stride</c> (default the size).</summary>
internal static class PoolStages
{
    public static IFrameFilter Max(StageSpec spec)
    {
        var (size, stride) = Window(spec);
        return new MaxPoolFilter(size, stride, spec.Settings);
    }

    public static IFrameFilter Average(StageSpec spec)
    {
        var (size, stride) = Window(spec);
        return new AvgPoolFilter(size, stride, spec.Settings);
    }

    private static (int Size, int Stride) Window(StageSpec spec)
    {
        int size = spec.Int("size", 2);
        if (size < 1) throw new ConvStreamException($"{spec.Context}: key 'size' must be at least 1 but is {size}");
        int stride = spec.Int("stride", size);
        if (stride < 1) throw new ConvStreamException($"{spec.Context}: key 'stride' must be at least 1 but is {stride}");
        return (size, stride);
    }
}
