using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Transposed;
using ConvStream.Engine.Tensors;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// <c>conv-transpose2d</c>: PyTorch's <c>conv_transpose2d</c> with weights (Cin, Cout/groups, KH, KW)
/// from a kernel file; keys stride, padding, output-padding, dilation, groups, bias. Upsamples
/// feature maps back towards the frame's size.
/// </summary>
public sealed class ConvTranspose2dStage : TensorStage
{
    private readonly Tensor _weights;
    private readonly Tensor? _bias;
    private readonly ConvTranspose2dOptions _options;
    private readonly ConvTranspose2dPlan _plan;
    private readonly string _kernelName;

    public ConvTranspose2dStage(StageSpec spec) : base(spec)
    {
        KernelFile file;
        (_weights, _bias, file) = LoadWeights(spec, Op, w => w.Dim(1) * Math.Max(1, spec.Int("groups", 1)));
        _kernelName = file.Name;
        if (file.Mode == "convolve")
            throw new ConvStreamException($"{spec.Context}: {file.Name}: \"mode\": \"convolve\" is for conv and conv2d; conv-transpose2d has no flip");
        _options = new ConvTranspose2dOptions
        {
            Stride = spec.Parse("stride", (Size2)1, s => Size2.Parse(s, "stride")),
            Padding = spec.Parse("padding", (Size2)0, s => Size2.Parse(s, "padding")),
            OutputPadding = spec.Parse("output-padding", (Size2)0, s => Size2.Parse(s, "output-padding")),
            Dilation = spec.Parse("dilation", (Size2)1, s => Size2.Parse(s, "dilation")),
            Groups = spec.Int("groups", 1),
        };
        if (_options.Groups < 1) throw new ConvStreamException($"{spec.Context}: key 'groups' must be at least 1 but is {_options.Groups}");
        GeometryLimits.Window(spec.Context, new Size2(_weights.Dim(2), _weights.Dim(3)), _options.Stride, _options.Dilation, _options.Padding);
        GeometryLimits.Extents(_options.OutputPadding, $"{spec.Context}: key 'output-padding'");
        // The weights are packed once, here, for every frame.
        try { _plan = new ConvTranspose2dPlan(_weights, _bias, _options, Settings); }
        catch (ConvStreamException e) { throw new ConvStreamException($"{spec.Context}: {_kernelName}: {e.Message}", e); }
    }

    public override string Op => "conv-transpose2d";

    /// <summary>Each output pixel sees about ceil(k/s) input pixels along an axis; no downsampling.</summary>
    public override (int KH, int KW, int Stride) Footprint
        => ((_weights.Dim(2) + _options.Stride.H - 1) / _options.Stride.H, (_weights.Dim(3) + _options.Stride.W - 1) / _options.Stride.W, 1);

    protected override (int C, int H, int W) OutputShape(int channels, int height, int width)
    {
        if (_weights.Dim(0) != channels)
            throw new ConvStreamException($"kernel depth {_weights.Dim(0)} ({_kernelName}: {_weights.ShapeText}, layout (Cin, Cout/groups, KH, KW)) ≠ the {channels} channel(s) the stage receives");
        if (channels % _options.Groups != 0)
            throw new ConvStreamException($"groups {_options.Groups} does not divide the {channels} input channels");
        var (s, p, op, d) = (_options.Stride, _options.Padding, _options.OutputPadding, _options.Dilation);
        if (op.H >= Math.Max(s.H, d.H) || op.W >= Math.Max(s.W, d.W))
            throw new ConvStreamException($"key 'output-padding' {op} must be smaller than stride or dilation");
        int oh = ConvGeometry.TransposedOutputSize(height, _weights.Dim(2), s.H, p.H, d.H, op.H);
        int ow = ConvGeometry.TransposedOutputSize(width, _weights.Dim(3), s.W, p.W, d.W, op.W);
        return (_weights.Dim(1) * _options.Groups, oh, ow);
    }

    public override long MultiplyAdds(FrameFormat output)
    {
        // Every input pixel scatters Cin/groups · Cout/groups · KH · KW products; the input is about output / stride².
        long inputPixels = (long)output.Width * output.Height / Math.Max(1, _options.Stride.H * _options.Stride.W);
        return inputPixels * _weights.Dim(0) * _weights.Dim(1) * _weights.Dim(2) * _weights.Dim(3);
    }

    protected override void Compute(Tensor input, Tensor output) => _plan.Forward(input, output);
}
