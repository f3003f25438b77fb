using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops.Transposed;

/// <summary>
/// A conv-transpose2d prepared once for many calls, as <see cref="Conv.Conv2dPlan"/> is for conv2d
/// (a pipeline stage runs the same layer on every frame): the weights are checked and packed for
/// <see cref="TransposedTaps"/> once, and each <see cref="Forward"/> then allocates nothing. Later
/// changes to the weight or bias tensors do not affect the plan. It runs with the
/// <see cref="ExecutionSettings"/> it was built with. Thread-safe: several threads may run it at once.
/// </summary>
public sealed unsafe class ConvTranspose2dPlan
{
    private readonly float[] _packed;
    private readonly float[]? _bias;
    private readonly Tensor? _biasShape;
    private readonly int _cin, _coutPerGroup, _kh, _kw;

    /// <param name="weight">(Cin, Cout/groups, KH, KW), PyTorch's layout.</param>
    /// <param name="settings">How every call runs; <see cref="ExecutionSettings.Default"/> when null.</param>
    public ConvTranspose2dPlan(Tensor weight, Tensor? bias, ConvTranspose2dOptions options, ExecutionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(options);
        if (weight.Rank != 4)
            throw new ConvStreamException($"weight must be (Cin, Cout/groups, KH, KW) but has shape {weight.ShapeText}");
        if (options.Groups <= 0) throw new ConvStreamException($"groups must be positive but is {options.Groups}");
        (_cin, _coutPerGroup, _kh, _kw) = (weight.Dim(0), weight.Dim(1), weight.Dim(2), weight.Dim(3));
        if (_cin <= 0 || _coutPerGroup <= 0 || _kh <= 0 || _kw <= 0)
            throw new ConvStreamException($"weight has an empty dimension {weight.ShapeText}");
        if (_cin % options.Groups != 0)
            throw new ConvStreamException($"groups {options.Groups} does not divide the weight's {_cin} input channels");
        int cout = _coutPerGroup * options.Groups;
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != cout))
            throw new ConvStreamException($"bias must have {cout} values (one per output channel) but has shape {bias.ShapeText}");
        Options = options;
        Settings = settings ?? ExecutionSettings.Default;
        _bias = bias?.Span.ToArray();
        // The shape checks of every call see a bias of the right length; its values are the copy above.
        _biasShape = bias is null ? null : Tensor.Zeros(cout);
        _packed = new float[TransposedKernel.PackedLength(_cin, _coutPerGroup, _kh, _kw, options.Groups)];
        TransposedKernel.Pack(weight.Data, _cin, _coutPerGroup, _kh, _kw, options.Groups, _packed);
    }

    public ConvTranspose2dOptions Options { get; }
    /// <summary>The settings every call of this plan runs with.</summary>
    public ExecutionSettings Settings { get; }

    /// <summary>Validates <paramref name="input"/> against the plan and sizes the call.</summary>
    public ConvTranspose2dShape Shape(Tensor input) => ConvTranspose2dShape.Resolve(input, _cin, _coutPerGroup, _kh, _kw, _biasShape, Options);

    /// <summary>Writes the layer's output for <paramref name="input"/> into <paramref name="output"/> (the exact output shape; not the input's memory).</summary>
    public void Forward(Tensor input, Tensor output)
    {
        var s = Shape(input);
        ConvTranspose2d.CheckOutput(s, input, output);
        fixed (float* packed = _packed) TransposedKernel.Run(input.Data, packed, _bias, output.Data, s, Settings);
    }
}
