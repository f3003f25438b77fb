using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Temporal;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Volumetric;
using ConvStream.Engine.Tensors;
using ConvStream.Stages.Filters;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// <c>conv3d</c>: the engine's conv3d across time on feature maps of any depth (converted to
/// float), weights (Cout, Cin/groups, KT, KH, KW) from a kernel file (.npy, or .json with
/// <c>weights[Cout][Cin][KT][KH][KW]</c>). Its window is the KT frames the kernel covers
/// (<c>mode</c>: auto, causal or centred, as tmix); the frames outside the stream come from the
/// temporal border rule (<c>time-border</c>: replicate or zeros), so the convolution itself is
/// valid in time and gives one output frame (f32, Cout channels) per input frame. The spatial keys
/// are conv2d's: stride, padding, dilation, groups, border, flip (all three axes), relu. The
/// kernel's depth must equal the channels the stage receives.
/// </summary>
public sealed class Conv3dStage : ITemporalFilter
{
    private readonly string _context, _weightsPath;
    private readonly Tensor _weights;
    private readonly Tensor? _bias;
    private readonly Padding _spatialPadding;
    private readonly Conv3dOptions _options;
    private readonly Engine.Simd.ExecutionSettings _settings;
    private readonly object _scratchGate = new();
    private Conv3dPlan? _plan;
    private Tensor? _frame, _outputPlanes;   // one input frame as (C,H,W); the (C,1,H,W) output as (C,H,W)
    private Tensor? _input, _output;

    public Conv3dStage(StageSpec spec)
    {
        _context = spec.Context;
        _settings = spec.Settings;
        _weightsPath = spec.ResolvePath(spec.RequiredString("weights"));
        KernelFile file;
        try
        {
            file = KernelFile.Load(_weightsPath);
            (_weights, _bias) = file.ToTensors(Op);
            string? biasPath = spec.String("bias");
            if (biasPath is not null) _bias = KernelFile.LoadBias(spec.ResolvePath(biasPath), _weights.Dim(0));
        }
        catch (ConvStreamException e) { throw new ConvStreamException($"{_context}: {e.Message}", e); }
        if (_weights.Dim(2) > TemporalLimits.MaxSpan)
            throw new ConvStreamException($"{_context}: kernel {Path.GetFileName(_weightsPath)} {_weights.ShapeText} is {_weights.Dim(2)} frames deep; a window holds at most {TemporalLimits.MaxSpan} frames");
        _spatialPadding = spec.Parse("padding", Padding.Valid, s => Padding.Parse(s, "padding"));
        var stride = spec.Parse("stride", (Size2)1, s => Size2.Parse(s, "stride"));
        var dilation = spec.Parse("dilation", (Size2)1, s => Size2.Parse(s, "dilation"));
        _options = new Conv3dOptions
        {
            // One output frame per window: stride and dilation 1 in time, and no temporal padding
            // (the window has already been completed by the temporal border rule).
            Stride = new Size3(1, stride.H, stride.W),
            Dilation = new Size3(1, dilation.H, dilation.W),
            Border = spec.Parse("border", BorderMode.Zeros, s => BorderModes.Parse(s)),
            Groups = spec.Int("groups", 1),
            Flip = spec.Bool("flip", file.Mode == "convolve"),   // the stage's flip overrides the file's mode
            Relu = spec.Bool("relu", false),
        };
        if (_options.Groups < 1) throw new ConvStreamException($"{_context}: key 'groups' must be at least 1 but is {_options.Groups}");
        if (OutChannels % _options.Groups != 0)
            throw new ConvStreamException($"{_context}: groups {_options.Groups} does not divide the kernel's {OutChannels} output channels");
        Mode = TemporalStages.Mode(spec);
        TimeBorder = TemporalStages.TimeBorder(spec, BorderMode.Replicate);
    }

    public string Op => "conv3d";
    public int Span => _weights.Dim(2);
    public TemporalMode Mode { get; }
    public BorderMode TimeBorder { get; }
    public int OutChannels => _weights.Dim(0);
    public int KernelDepth => _weights.Dim(1) * _options.Groups;

    public (int KH, int KW, int Stride) Footprint
        => (_options.Dilation.H * (_weights.Dim(3) - 1) + 1, _options.Dilation.W * (_weights.Dim(4) - 1) + 1, Math.Max(_options.Stride.H, _options.Stride.W));

    /// <summary>Sizes the stage for its input and builds its plan (weights packed once), with the spatial padding resolved for that size.</summary>
    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        var f = inputs[0];
        if (KernelDepth != f.Channels)
            throw new ConvStreamException($"kernel depth {KernelDepth} ({Path.GetFileName(_weightsPath)}: {_weights.ShapeText}{(_options.Groups > 1 ? $" in {_options.Groups} groups" : "")}) ≠ the {f.Channels} channel(s) the stage receives");
        var (top, bottom) = _spatialPadding.Resolve(true, f.Height, _weights.Dim(3), _options.Stride.H, _options.Dilation.H);
        var (left, right) = _spatialPadding.Resolve(false, f.Width, _weights.Dim(4), _options.Stride.W, _options.Dilation.W);
        var options = _options with { Padding = Padding3.Explicit(0, 0, top, bottom, left, right) };
        // What does not fit is said here; the planner puts the file, stage and input formats around it.
        var s = Conv3dShape.Resolve(1, f.Channels, Span, f.Height, f.Width, OutChannels, _weights.Dim(1), Span, _weights.Dim(3), _weights.Dim(4), options);
        if (s.Cout > 64) throw new ConvStreamException($"conv3d gives {s.Cout} channels; frames hold at most 64");
        _plan = new Conv3dPlan(_weights, _bias, options, _settings);
        return new FrameFormat(s.OutW, s.OutH, s.Cout, PixelDepth.F32);
    }

    public long MultiplyAdds(FrameFormat output)
        => (long)output.Width * output.Height * output.Channels * _weights.Dim(1) * Span * _weights.Dim(3) * _weights.Dim(4);

    public void Apply(ReadOnlySpan<Frame> window, Frame output)
    {
        var plan = _plan ?? throw new InvalidOperationException($"{_context}: OutputFormat must be called before Apply");
        if (window.Length != Span) throw new ConvStreamException($"{_context}: {window.Length} frames given for a kernel {Span} frames deep");
        var first = window[0];
        int c = first.Channels, h = first.Height, w = first.Width, plane = h * w, kt = Span;
        lock (_scratchGate)
        {
            if (_input is null || _input.Dim(0) != c || _input.Dim(2) != h || _input.Dim(3) != w)
            {
                _input = Tensor.Zeros(c, kt, h, w);
                _frame = new Tensor(GC.AllocateUninitializedArray<float>(c * plane), c, h, w);
            }
            // (C,H,W) of frame t → channel planes c·KT + t of the (C,T,H,W) input.
            for (int t = 0; t < kt; t++)
            {
                FrameConvert.ToTensor(window[t], _frame!, _settings);
                for (int ch = 0; ch < c; ch++)
                    _frame!.Data.AsSpan(ch * plane, plane).CopyTo(_input.Data.AsSpan((ch * kt + t) * plane, plane));
            }
            if (_output is null || _output.Dim(0) != output.Channels || _output.Dim(2) != output.Height || _output.Dim(3) != output.Width)
            {
                _output = Tensor.Zeros(output.Channels, 1, output.Height, output.Width);
                _outputPlanes = new Tensor(_output.Data, output.Channels, output.Height, output.Width);
            }
            plan.Forward(_input, _output);
            FrameConvert.FromTensor(_outputPlanes!, output, _settings);
        }
    }
}
