using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Tensors;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// <c>max-pool2d</c> and <c>avg-pool2d</c> on float feature maps, exactly PyTorch's: keys kernel
/// (default 2), stride (default = kernel), padding, dilation (max only), ceil, count-include-pad (avg only).
/// </summary>
public sealed class Pool2dStage : TensorStage
{
    private readonly bool _max;
    private readonly Pool2dOptions _options;

    public Pool2dStage(StageSpec spec, bool max) : base(spec)
    {
        _max = max;
        var kernel = spec.Parse("kernel", (Size2)2, s => Size2.Parse(s, "kernel"));
        _options = new Pool2dOptions
        {
            Kernel = kernel,
            Stride = spec.Has("stride") ? spec.Parse("stride", kernel, s => Size2.Parse(s, "stride")) : null,
            Padding = spec.Parse("padding", (Size2)0, s => Size2.Parse(s, "padding")),
            Dilation = max ? spec.Parse("dilation", (Size2)1, s => Size2.Parse(s, "dilation")) : 1,
            CeilMode = spec.Bool("ceil", false),
            CountIncludePad = !max && spec.Bool("count-include-pad", true),
        };
        var (k, st, p, d) = (_options.Kernel, _options.EffectiveStride, _options.Padding, _options.Dilation);
        if (k.H < 1 || k.W < 1 || st.H < 1 || st.W < 1 || d.H < 1 || d.W < 1)
            throw new ConvStreamException($"{spec.Context}: kernel, stride and dilation must be at least 1");
        if (p.H < 0 || p.W < 0 || p.H > k.H / 2 || p.W > k.W / 2)
            throw new ConvStreamException($"{spec.Context}: key 'padding' {p} must be between 0 and half the kernel ({k})");
        GeometryLimits.Window(spec.Context, k, st, d, p);
    }

    public override string Op => _max ? "max-pool2d" : "avg-pool2d";

    public override (int KH, int KW, int Stride) Footprint
        => (_options.Dilation.H * (_options.Kernel.H - 1) + 1, _options.Dilation.W * (_options.Kernel.W - 1) + 1, Math.Max(_options.EffectiveStride.H, _options.EffectiveStride.W));

    protected override (int C, int H, int W) OutputShape(int channels, int height, int width)
    {
        var (k, s, p, d) = (_options.Kernel, _options.EffectiveStride, _options.Padding, _options.Dilation);
        return (channels,
            ConvGeometry.PoolOutputSize(height, k.H, s.H, p.H, d.H, _options.CeilMode),
            ConvGeometry.PoolOutputSize(width, k.W, s.W, p.W, d.W, _options.CeilMode));
    }

    public override long MultiplyAdds(FrameFormat output) => (long)output.Width * output.Height * output.Channels * _options.Kernel.H * _options.Kernel.W;

    protected override void Compute(Tensor input, Tensor output)
    {
        if (_max) Pool2d.Max(input, _options, output, Settings);
        else Pool2d.Average(input, _options, output, Settings);
    }
}
