using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops.Volumetric;

/// <summary>
/// A conv3d prepared once for many calls: the weights are copied, reversed on all three axes
/// for true convolution and packed for the row kernel once; each <see cref="Forward(Tensor, Tensor)"/>
/// then allocates nothing but what the caller asks for. Later changes to the weight or bias
/// tensors do not affect the plan. Thread-safe: several threads may run the same plan at once.
/// It runs with the <see cref="ExecutionSettings"/> it was built with (SIMD level, threads, scratch).
/// </summary>
public sealed class Conv3dPlan
{
    private readonly float[] _packed;
    private readonly float[]? _bias;

    /// <param name="settings">How every call runs; <see cref="ExecutionSettings.Default"/> when null.</param>
    public Conv3dPlan(Tensor weight, Tensor? bias, Conv3dOptions options, ExecutionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(options);
        if (weight.Rank != 5)
            throw new ConvStreamException($"weight must be (Cout, Cin/groups, KT, KH, KW) but has shape {weight.ShapeText}");
        if (options.Groups <= 0) throw new ConvStreamException($"groups must be positive but is {options.Groups}");
        Options = options;
        Settings = settings ?? ExecutionSettings.Default;
        Cout = weight.Dim(0); CinPerGroup = weight.Dim(1); KT = weight.Dim(2); KH = weight.Dim(3); KW = weight.Dim(4);
        if (Cout <= 0 || CinPerGroup <= 0 || KT <= 0 || KH <= 0 || KW <= 0)
            throw new ConvStreamException($"weight has an empty dimension {weight.ShapeText}");
        if (Cout % options.Groups != 0)
            throw new ConvStreamException($"groups {options.Groups} does not divide the weight's {Cout} output channels");
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != Cout))
            throw new ConvStreamException($"bias must have {Cout} values (one per output channel) but has shape {bias.ShapeText}");
        _bias = bias?.Span.ToArray();
        _packed = new float[weight.Length];
        PackedWeights.Pack(AsConv2dWeight(weight, options.Flip), options.Groups, options.Flip, _packed);
    }

    public Conv3dOptions Options { get; }
    /// <summary>The settings every call of this plan runs with.</summary>
    public ExecutionSettings Settings { get; }
    public int Cout { get; }
    public int CinPerGroup { get; }
    public int KT { get; }
    public int KH { get; }
    public int KW { get; }

    /// <summary>
    /// The weights seen as a conv2d's (Cout, Cin/groups·KT, KH, KW): the taps of input channel ci
    /// at time kt become those of channel ci·KT + kt, the order <see cref="Conv3dDirect"/> hands
    /// the frames to the row kernel. For true convolution the time axis is reversed here; the
    /// spatial axes are rotated by <see cref="PackedWeights.Pack"/> as for conv2d.
    /// </summary>
    private static Tensor AsConv2dWeight(Tensor weight, bool flip)
    {
        int cout = weight.Dim(0), cinG = weight.Dim(1), kt = weight.Dim(2), kh = weight.Dim(3), kw = weight.Dim(4);
        var data = weight.Span.ToArray();
        if (flip)
        {
            int slice = kh * kw;
            var w = weight.Span;
            for (int f = 0; f < cout * cinG; f++)
                for (int t = 0; t < kt; t++)
                    w.Slice((f * kt + kt - 1 - t) * slice, slice).CopyTo(data.AsSpan((f * kt + t) * slice, slice));
        }
        return new Tensor(data, cout, cinG * kt, kh, kw);
    }

    /// <summary>Validates <paramref name="input"/> against the plan and sizes the call.</summary>
    public Conv3dShape Shape(Tensor input)
    {
        var (n, c, t, h, w) = Conv3dShape.Ncthw(input);
        return Conv3dShape.Resolve(n, c, t, h, w, Cout, CinPerGroup, KT, KH, KW, Options);
    }

    /// <summary>Convolves <paramref name="input"/> into a new tensor (the only allocation).</summary>
    public Tensor Forward(Tensor input)
    {
        var s = Shape(input);
        var output = Tensor.Zeros(s.OutputShape(input.Rank));
        Run(s, input, output);
        return output;
    }

    /// <summary>Convolves <paramref name="input"/> into <paramref name="output"/>, which must have exactly the output's shape.</summary>
    public void Forward(Tensor input, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var s = Shape(input);
        var expected = s.OutputShape(input.Rank);
        if (!output.Shape.SequenceEqual(expected))
            throw new ConvStreamException($"conv3d output must have shape {Tensor.ShapeString(expected)} for input {input.ShapeText} but has shape {output.ShapeText}");
        if (ReferenceEquals(output.Data, input.Data))
            throw new ConvStreamException("conv3d output must not share memory with the input");
        Run(s, input, output);
    }

    private unsafe void Run(in Conv3dShape s, Tensor input, Tensor output)
    {
        fixed (float* x = input.Data)
        fixed (float* w = _packed)
        fixed (float* b = _bias)
        fixed (float* y = output.Data)
            Conv3dDirect.Run(s, Options.Border, Options.TimeBorder, Options.Relu, Settings, x, w, b, y);
    }
}
