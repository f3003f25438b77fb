using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;
using ConvStream.Stages.Tensors;

namespace ConvStream.Stages.Filters;

/// <summary>
/// <c>conv</c> with a multi-channel kernel (<c>weights[Cout][Cin][KH][KW]</c>: Cin channels in,
/// Cout feature maps out, filter2D's placement by the anchor) run by conv2d's engine: a
/// <see cref="Conv2dPlan"/> built once with the anchor as explicit padding, every sum formed from
/// the bias in (ci, ky, kx) order, so the result is the engine's <c>Filter2DReference</c>'s to the bit.
/// It computes on planar frames (<see cref="LayoutUse.Planar"/>): in a pipeline the runner hands it
/// the input's planes and converts its f32 planes to the output's layout and depth (saturated) only
/// where a reader needs that; called with interleaved frames, <see cref="PlanarApply"/> converts.
/// </summary>
public sealed class MultiChannelConvStage : IFrameFilter
{
    private readonly Filter2DKernel _kernel;
    private readonly PixelDepth _depth;
    private readonly string _kernelName;
    private readonly ExecutionSettings _settings;
    private readonly Conv2dPlan _plan;
    private readonly PlanarApply _planar = new();

    public MultiChannelConvStage(Filter2DKernel kernel, PixelDepth? depth, string kernelName, ExecutionSettings settings)
    {
        if (kernel.PerChannel) throw new ArgumentException("a per-channel kernel runs through Filter2D", nameof(kernel));
        _kernel = kernel;
        _depth = depth ?? PixelDepth.F32;
        _kernelName = kernelName;
        _settings = settings;
        var weights = new Tensor(kernel.Weights, kernel.OutChannels, kernel.InChannels, kernel.KH, kernel.KW);
        var options = new Conv2dOptions
        {
            Padding = Padding.Explicit(kernel.AnchorY, kernel.KH - 1 - kernel.AnchorY, kernel.AnchorX, kernel.KW - 1 - kernel.AnchorX),
            Border = kernel.Border,
        };
        _plan = Conv2dPlan.InTapOrder(weights, new Tensor(kernel.Bias, kernel.OutChannels), options, settings);
    }

    public string Op => "conv";
    public string KernelName => _kernelName;
    public Filter2DKernel Kernel => _kernel;

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        var f = inputs[0];
        if (f.Channels != _kernel.InChannels)
            throw new ConvStreamException($"kernel {_kernelName} expects {_kernel.InChannels} input channels (Cin) but the frame has {f.Channels}");
        return new FrameFormat(f.Width, f.Height, _kernel.OutChannels, _depth);
    }

    public LayoutUse Layouts => LayoutUse.Planar;

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        => _planar.Run(inputs[0], output, _settings, _plan, static (plan, input, result) => plan.Forward(input, result));

    /// <summary>Non-zero taps × pixels, as filter2D counts its work.</summary>
    public long MultiplyAdds(FrameFormat output) => (long)output.Width * output.Height * _kernel.Weights.Count(w => w != 0f);

    public (int KH, int KW, int Stride) Footprint => (_kernel.KH, _kernel.KW, 1);
}
