using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Tensors;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// <c>conv2d</c>: a multi-channel convolution with weights (Cout, Cin/groups, KH, KW) from a kernel
/// file (<c>weights=</c>, .npy or .json) and an optional bias (in the JSON file or <c>bias=</c> .npy).
/// Keys as <c>convstream op conv2d</c>: stride, padding, dilation, groups, border, flip, relu.
/// The kernel's depth must equal the channels the stage receives; a mismatch names both.
/// The <see cref="Conv2dPlan"/> (weights packed, path chosen) is built once, with the stage.
/// </summary>
public sealed class Conv2dStage : TensorStage
{
    private readonly Tensor _weights;
    private readonly Tensor? _bias;
    private readonly Conv2dOptions _options;
    private readonly string _kernelName;
    private readonly Conv2dPlan _plan;

    public Conv2dStage(StageSpec spec) : base(spec)
    {
        (_weights, _bias, var file) = LoadWeights(spec, Op, w => w.Dim(0));
        _kernelName = file.Name;
        _options = new Conv2dOptions
        {
            Stride = spec.Parse("stride", (Size2)1, s => Size2.Parse(s, "stride")),
            Padding = spec.Parse("padding", Padding.Valid, s => Padding.Parse(s, "padding")),
            Dilation = spec.Parse("dilation", (Size2)1, s => Size2.Parse(s, "dilation")),
            Groups = spec.Int("groups", 1),
            Border = spec.Parse("border", BorderMode.Zeros, s => BorderModes.Parse(s)),
            Flip = spec.Bool("flip", file.Mode == "convolve"),   // the stage's flip overrides the file's mode
            Relu = spec.Bool("relu", false),
        };
        if (_options.Groups < 1) throw new ConvStreamException($"{spec.Context}: key 'groups' must be at least 1 but is {_options.Groups}");
        var pad = _options.Padding;
        GeometryLimits.Window(spec.Context, new Size2(_weights.Dim(2), _weights.Dim(3)), _options.Stride, _options.Dilation,
            new Size2(Math.Max(pad.Top, pad.Bottom), Math.Max(pad.Left, pad.Right)));
        if (OutChannels % _options.Groups != 0)
            throw new ConvStreamException($"{Context}: groups {_options.Groups} does not divide the kernel's {OutChannels} output channels");
        _plan = new Conv2dPlan(_weights, _bias, _options, Settings);
    }

    public override string Op => "conv2d";
    public int OutChannels => _weights.Dim(0);
    public int KernelDepth => _weights.Dim(1) * _options.Groups;

    public override (int KH, int KW, int Stride) Footprint
        => (_options.Dilation.H * (_weights.Dim(2) - 1) + 1, _options.Dilation.W * (_weights.Dim(3) - 1) + 1, Math.Max(_options.Stride.H, _options.Stride.W));

    protected override (int C, int H, int W) OutputShape(int channels, int height, int width)
    {
        if (KernelDepth != channels)
            throw new ConvStreamException($"kernel depth {KernelDepth} ({_kernelName}: {_weights.ShapeText}{(_options.Groups > 1 ? $" in {_options.Groups} groups" : "")}) ≠ the {channels} channel(s) the stage receives");
        var s = Conv2dShape.Resolve(1, channels, height, width, OutChannels, _weights.Dim(1), _weights.Dim(2), _weights.Dim(3), _bias, _options);
        return (s.Cout, s.OutH, s.OutW);
    }

    public override long MultiplyAdds(FrameFormat output)
        => (long)output.Width * output.Height * output.Channels * _weights.Dim(1) * _weights.Dim(2) * _weights.Dim(3);

    protected override void Compute(Tensor input, Tensor output) => _plan.Forward(input, output);
}
