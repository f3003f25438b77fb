using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// A conv2d prepared once for many calls (a pipeline stage runs the same convolution on every
/// frame): the weights are copied, rotated for true convolution and packed for the kernels, the
/// path is chosen, and each <see cref="Forward(Tensor, Tensor)"/> then allocates nothing but what
/// the caller asks for. Later changes to the weight or bias tensors do not affect the plan.
/// It runs with the <see cref="ExecutionSettings"/> it was built with (SIMD level, threads, scratch).
/// Thread-safe: several threads may run the same plan at once.
/// </summary>
public sealed class Conv2dPlan
{
    // PackedWeights layout; plain when depthwise; [Cout][KH] u then [Cout][KW] v when separable;
    // WinogradWeights then PackedWeights when Winograd (tile rows whose inputs are not all finite run direct).
    // A plan of its own holds them in _packed; a one-shot call's plan in its thread's scratch (_rented).
    private readonly float[]? _packed;
    private ScratchLease _rented;
    private readonly float[]? _bias;
    private readonly int _winogradLength;   // floats of WinogradWeights before the direct weights
    private bool _released;

    /// <param name="settings">How every call runs; <see cref="ExecutionSettings.Default"/> when null.</param>
    public Conv2dPlan(Tensor weight, Tensor? bias, Conv2dOptions options, ExecutionSettings? settings = null)
        : this(weight, bias, options, settings ?? ExecutionSettings.Default, rented: false) { }

    private Conv2dPlan(Tensor weight, Tensor? bias, Conv2dOptions options, ExecutionSettings settings, bool rented, bool tapOrder = false, Conv2dPath? path = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(options);
        if (weight.Rank != 4)
            throw new ConvStreamException($"weight must be (Cout, Cin/groups, KH, KW) but has shape {weight.ShapeText}");
        if (options.Groups <= 0) throw new ConvStreamException($"groups must be positive but is {options.Groups}");
        Options = options;
        Settings = settings;
        Cout = weight.Dim(0); CinPerGroup = weight.Dim(1); KH = weight.Dim(2); KW = weight.Dim(3);
        if (Cout <= 0 || CinPerGroup <= 0 || KH <= 0 || KW <= 0)
            throw new ConvStreamException($"weight has an empty dimension {weight.ShapeText}");
        if (Cout % options.Groups != 0)
            throw new ConvStreamException($"groups {options.Groups} does not divide the weight's {Cout} output channels");
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != Cout))
            throw new ConvStreamException($"bias must have {Cout} values (one per output channel) but has shape {bias.ShapeText}");
        _bias = bias?.Span.ToArray();

        float[]? factors = null;
        Path = path ?? Choose(weight, options, tapOrder, out factors);
        _winogradLength = WinogradTile == 0 ? 0 : WinogradWeights.Length(weight, WinogradTile);
        int size = factors?.Length ?? _winogradLength + weight.Length;
        Span<float> packed;
        if (rented)
        {
            _rented = ScratchArena.Rent(size, settings.ScratchFloats);
            packed = _rented.Floats(size);
        }
        else packed = _packed = new float[size];
        try
        {
            if (factors is not null) factors.CopyTo(packed);
            else if (WinogradTile != 0)
            {
                WinogradWeights.Transform(weight, options.Flip, WinogradTile, packed);
                PackedWeights.Pack(weight, options.Groups, options.Flip, packed[_winogradLength..]);
            }
            else if (Path == Conv2dPath.Depthwise) PackedWeights.PackPlain(weight, options.Flip, packed);
            else PackedWeights.Pack(weight, options.Groups, options.Flip, packed);
        }
        catch
        {
            _rented.Dispose(); // the caller never sees this plan, so it cannot release it
            throw;
        }
    }

    /// <summary>
    /// For one call on this thread: the packed weights are a lease on its scratch arena, given back
    /// by <see cref="Release"/> (on the same thread, after the call).
    /// </summary>
    internal static Conv2dPlan Rent(Tensor weight, Tensor? bias, Conv2dOptions options, ExecutionSettings? settings)
        => new(weight, bias, options, settings ?? ExecutionSettings.Default, rented: true);

    /// <summary>
    /// A plan whose every output is <c>bias + Σ w·x</c> fused-multiply-added in (ci, ky, kx) order,
    /// the order of <see cref="Filters.Kernels.Filter2DReference"/> (OpenCV's filter2D): every path
    /// but <see cref="Conv2dPath.Separable"/>, which factors the kernel. The <c>conv</c> stage runs its
    /// multi-channel kernels with it and stays bit-exact with that reference.
    /// </summary>
    public static Conv2dPlan InTapOrder(Tensor weight, Tensor? bias, Conv2dOptions options, ExecutionSettings settings)
        => new(weight, bias, options, settings, rented: false, tapOrder: true);

    /// <summary>
    /// A plan on <paramref name="path"/> whatever <see cref="Choose"/> would say (tests and the
    /// benchmark that chose between the paths): the path must be able to compute the geometry
    /// (Winograd: any channel counts, including those the plan would not choose it for).
    /// </summary>
    internal static Conv2dPlan OnPath(Tensor weight, Tensor? bias, Conv2dOptions options, ExecutionSettings settings, Conv2dPath path)
    {
        ArgumentNullException.ThrowIfNull(weight);
        bool accepted = path switch
        {
            Conv2dPath.Direct => true,
            Conv2dPath.Winograd or Conv2dPath.Winograd4x4 => weight.Rank == 4 && WinogradConv.Fits(weight.Dim(2), weight.Dim(3), options),
            _ => false,
        };
        if (!accepted) throw new ArgumentException($"conv2d path {path} is not offered for weight {weight.ShapeText} with these options", nameof(path));
        return new(weight, bias, options, settings, rented: false, path: path);
    }

    /// <summary>m of Winograd F(m×m, 3×3) on a Winograd path, else 0.</summary>
    private int WinogradTile => Path switch { Conv2dPath.Winograd => 2, Conv2dPath.Winograd4x4 => 4, _ => 0 };

    internal void Release()
    {
        _rented.Dispose();
        _released = true;
    }

    /// <summary>The options the plan was built with.</summary>
    public Conv2dOptions Options { get; }
    /// <summary>The settings every call of this plan runs with.</summary>
    public ExecutionSettings Settings { get; }
    /// <summary>Output channels (the weight's first dimension).</summary>
    public int Cout { get; }
    /// <summary>Input channels each group sees (the weight's second dimension).</summary>
    public int CinPerGroup { get; }
    /// <summary>Kernel height.</summary>
    public int KH { get; }
    /// <summary>Kernel width.</summary>
    public int KW { get; }
    /// <summary>The implementation this plan runs (for tests and diagnostics).</summary>
    public Conv2dPath Path { get; }

    /// <summary>Validates <paramref name="input"/> against the plan and sizes the call.</summary>
    public Conv2dShape Shape(Tensor input)
    {
        var (n, c, h, w) = input.Nchw("input");
        // The bias was checked against the weight when the plan was made.
        return Conv2dShape.Resolve(n, c, h, w, Cout, CinPerGroup, KH, KW, null, Options);
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
        if (!Pool2d.OutputShapeIs(output, input.Rank, s.N, s.Cout, s.OutH, s.OutW))
            throw new ConvStreamException($"conv2d output must have shape {Tensor.ShapeString(s.OutputShape(input.Rank))} for input {input.ShapeText} but has shape {output.ShapeText}");
        if (ReferenceEquals(output.Data, input.Data))
            throw new ConvStreamException("conv2d output must not share memory with the input");
        Run(s, input, output);
    }

    private unsafe void Run(in Conv2dShape s, Tensor input, Tensor output)
    {
        if (_released) throw new InvalidOperationException("this conv2d plan has been released");
        var settings = Settings;
        bool relu = Options.Relu;
        fixed (float* x = input.Data)
        fixed (float* owned = _packed)
        fixed (float* b = _bias)
        fixed (float* y = output.Data)
        {
            float* w = _packed is null ? _rented.Pointer : owned;
            switch (Path)
            {
                case Conv2dPath.Pointwise when PointwiseConv.Applies(s):
                    PointwiseConv.Run(s, relu, settings, x, w, b, y);
                    break;
                case Conv2dPath.Depthwise:
                    DepthwiseConv.Run(s, Options.Border, relu, settings, x, w, b, y);
                    break;
                case Conv2dPath.Winograd or Conv2dPath.Winograd4x4:
                    WinogradConv.Run(s, WinogradTile, Options.Border, relu, settings, x, w, w + _winogradLength, b, y);
                    break;
                case Conv2dPath.Separable:
                    SeparableConv.Run(s, Options.Border, relu, settings, x, w, w + Cout * KH, b, y);
                    break;
                default:
                    DirectConv.Run(s, Options.Border, relu, settings, x, w, b, y);
                    break;
            }
        }
    }

    /// <summary>
    /// Pointwise for 1×1 kernels at stride 1 without padding (valid, same and full all pad 0 then);
    /// separable when each output reads one input channel, the kernel is big enough to gain, and
    /// every slice factors; depthwise when each output reads one input channel at vertical stride
    /// and dilation 1; Winograd for the dense stride-1 3×3 layers it accepts (not in tap order: its
    /// sums are not the taps' sums); direct otherwise.
    /// </summary>
    private Conv2dPath Choose(Tensor weight, Conv2dOptions o, bool tapOrder, out float[]? factors)
    {
        factors = null;
        var p = o.Padding;
        bool noExplicitPadding = p.Kind != Geometry.PaddingKind.Explicit || (p.Top | p.Bottom | p.Left | p.Right) == 0;
        if (KH == 1 && KW == 1 && o.Stride.H == 1 && o.Stride.W == 1 && noExplicitPadding)
            return Conv2dPath.Pointwise;
        bool depthwise = CinPerGroup == 1 && o.Stride.H == 1 && o.Dilation.H == 1;
        if (CinPerGroup == 1 && !tapOrder && SeparableKernel.PaysOff(KH, KW, depthwise))
        {
            var f = new float[Cout * (KH + KW)];
            var slice = new float[KH * KW];
            for (int co = 0; co < Cout; co++)
            {
                var src = weight.Data.AsSpan(co * KH * KW, KH * KW);
                for (int i = 0; i < slice.Length; i++) slice[i] = o.Flip ? src[slice.Length - 1 - i] : src[i];
                if (!SeparableKernel.TryFactor(slice, KH, KW, f.AsSpan(co * KH, KH), f.AsSpan(Cout * KH + co * KW, KW)))
                    return depthwise ? Conv2dPath.Depthwise : Conv2dPath.Direct;
            }
            factors = f;
            return Conv2dPath.Separable;
        }
        if (depthwise) return Conv2dPath.Depthwise;
        if (!tapOrder && WinogradConv.Accepts(Cout, CinPerGroup, KH, KW, o)) return Conv2dPath.Winograd4x4;
        return Conv2dPath.Direct;
    }
}
