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
/// kernel's depth must equal the channels the stage receives. It computes on planar frames
/// (<see cref="LayoutUse.Planar"/>): in a pipeline each input frame is converted once, as it enters
/// the window, and the window's planes are gathered into the (C,KT,H,W) volume the plan reads. The
/// volume is the one buffer a call needs; it is kept in a <see cref="ScratchSlot{T}"/> (no lock:
/// callers sharing the stage across threads each get their own).
/// </summary>
public sealed class Conv3dStage : ITemporalFilter
{
    private readonly string _context, _weightsPath;
    private readonly Tensor _weights;
    private readonly Tensor? _bias;
    private readonly Padding _spatialPadding;
    private readonly Conv3dOptions _options;
    private readonly Engine.Simd.ExecutionSettings _settings;
    private readonly ScratchSlot<Volumes> _scratch = new();
    private Conv3dPlan? _plan;

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

    public LayoutUse Layouts => LayoutUse.Planar;

    public void Apply(ReadOnlySpan<Frame> window, Frame output)
    {
        var plan = _plan ?? throw new InvalidOperationException($"{_context}: OutputFormat must be called before Apply");
        if (window.Length != Span) throw new ConvStreamException($"{_context}: {window.Length} frames given for a kernel {Span} frames deep");
        var first = window[0];
        int c = first.Channels, h = first.Height, w = first.Width, plane = h * w, kt = Span;
        var v = _scratch.Take();
        if (v is null || !v.Fits(c, kt, h, w, output)) v = new Volumes(c, kt, h, w, output);
        try
        {
            // (C,H,W) of frame t → channel planes c·KT + t of the (C,T,H,W) input.
            for (int t = 0; t < kt; t++)
            {
                Tensor planes;
                if (window[t].Layout == FrameLayout.Planar) planes = window[t].Planes;
                else FrameConvert.ToTensor(window[t], planes = v.Frame, _settings);
                for (int ch = 0; ch < c; ch++)
                    planes.Data.AsSpan(ch * plane, plane).CopyTo(v.Input.Data.AsSpan((ch * kt + t) * plane, plane));
            }
            plan.Forward(v.Input, v.Output);
            // (C,1,H,W) lies in memory as (C,H,W).
            if (output.Layout == FrameLayout.Planar) v.Output.Span.CopyTo(output.Planes.Span);
            else FrameConvert.FromTensor(v.OutputPlanes, output, _settings);
        }
        finally { _scratch.Return(v); }
    }

    /// <summary>One call's buffers: the (C,KT,H,W) input, one interleaved frame's planes, the (C,1,H,W) output and its (C,H,W) view.</summary>
    private sealed class Volumes
    {
        public Volumes(int c, int kt, int h, int w, Frame output)
        {
            Input = Tensor.Zeros(c, kt, h, w);
            Frame = new Tensor(GC.AllocateUninitializedArray<float>(c * h * w), c, h, w);
            Output = Tensor.Zeros(output.Channels, 1, output.Height, output.Width);
            OutputPlanes = new Tensor(Output.Data, output.Channels, output.Height, output.Width);
        }

        public Tensor Input { get; }
        public Tensor Frame { get; }
        public Tensor Output { get; }
        public Tensor OutputPlanes { get; }

        public bool Fits(int c, int kt, int h, int w, Frame output)
            => Input.Dim(0) == c && Input.Dim(1) == kt && Input.Dim(2) == h && Input.Dim(3) == w
               && OutputPlanes.Dim(0) == output.Channels && OutputPlanes.Dim(1) == output.Height && OutputPlanes.Dim(2) == output.Width;
    }
}
