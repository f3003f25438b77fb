using ConvStream.Engine.Geometry;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// Every size of one conv3d call, resolved and validated once: the shared front of the reference
/// and the fast path. All arithmetic on sizes is done in checked 64-bit integers, so a huge
/// dilation, padding or stride is refused with a message rather than wrapped around. Errors name
/// the tensor or option and what was expected.
/// </summary>
public readonly record struct Conv3dShape(
    int N, int Cin, int T, int H, int W,
    int Cout, int KT, int KH, int KW, int Groups,
    int StrideT, int StrideH, int StrideW, int DilationT, int DilationH, int DilationW,
    int PadFront, int PadBack, int PadTop, int PadBottom, int PadLeft, int PadRight,
    int OutT, int OutH, int OutW)
{
    public int CinPerGroup => Cin / Groups;
    public int CoutPerGroup => Cout / Groups;

    /// <summary>Multiply-adds of the whole call.</summary>
    public long MultiplyAdds => (long)N * Cout * OutT * OutH * OutW * CinPerGroup * KT * KH * KW;

    /// <summary>
    /// How many input samples one output sees on each axis: the dilated kernel <c>d·(k−1)+1</c>,
    /// the one-layer case of <see cref="ConvGeometry.ReceptiveField"/>; in time it is the number
    /// of frames an output depends on.
    /// </summary>
    public Size3 ReceptiveField => new(DilationT * (KT - 1) + 1, DilationH * (KH - 1) + 1, DilationW * (KW - 1) + 1);

    /// <summary>Sizes of a (C,T,H,W) or (N,C,T,H,W) tensor (N = 1 for rank 4).</summary>
    public static (int N, int C, int T, int H, int W) Ncthw(Tensor t, string name = "input")
    {
        var s = t.Shape;
        return t.Rank switch
        {
            4 => (1, s[0], s[1], s[2], s[3]),
            5 => (s[0], s[1], s[2], s[3], s[4]),
            _ => throw new ConvStreamException($"{name} must be (C,T,H,W) or (N,C,T,H,W) but has shape {t.ShapeText}"),
        };
    }

    public static Conv3dShape Resolve(Tensor input, Tensor weight, Tensor? bias, Conv3dOptions o)
    {
        var (n, c, t, h, w) = Ncthw(input);
        if (weight.Rank != 5)
            throw new ConvStreamException($"weight must be (Cout, Cin/groups, KT, KH, KW) but has shape {weight.ShapeText}");
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != weight.Dim(0)))
            throw new ConvStreamException($"bias must have {weight.Dim(0)} values (one per output channel) but has shape {bias.ShapeText}");
        return Resolve(n, c, t, h, w, weight.Dim(0), weight.Dim(1), weight.Dim(2), weight.Dim(3), weight.Dim(4), o);
    }

    public static Conv3dShape Resolve(int n, int c, int t, int h, int w, int cout, int cinPerGroup, int kt, int kh, int kw, Conv3dOptions o)
    {
        if (o.Groups <= 0) throw new ConvStreamException($"groups must be positive but is {o.Groups}");
        if (c % o.Groups != 0) throw new ConvStreamException($"groups {o.Groups} does not divide the input's {c} channels");
        if (cout % o.Groups != 0) throw new ConvStreamException($"groups {o.Groups} does not divide the weight's {cout} output channels");
        if (cinPerGroup != c / o.Groups)
            throw new ConvStreamException(o.Groups == 1
                ? $"weight expects {cinPerGroup} input channels but the input has {c}"
                : $"weight expects {cinPerGroup} input channels per group but the input has {c} channels in {o.Groups} groups ({c / o.Groups} per group)");
        if (kt <= 0 || kh <= 0 || kw <= 0 || cout <= 0) throw new ConvStreamException($"weight has an empty dimension ({cout},{cinPerGroup},{kt},{kh},{kw})");
        if (n <= 0 || c <= 0 || t <= 0 || h <= 0 || w <= 0) throw new ConvStreamException($"input has an empty dimension (N={n}, C={c}, T={t}, H={h}, W={w})");
        if (o.Stride.T <= 0 || o.Stride.H <= 0 || o.Stride.W <= 0) throw new ConvStreamException($"stride must be positive but is {o.Stride}");
        if (o.Dilation.T <= 0 || o.Dilation.H <= 0 || o.Dilation.W <= 0) throw new ConvStreamException($"dilation must be positive but is {o.Dilation}");
        if (o.Padding.AnyNegative) throw new ConvStreamException($"padding must not be negative but is {o.Padding}");

        var time = Axis("time", t, kt, o.Stride.T, o.Dilation.T, o.Padding.Temporal, vertical: true);
        var rows = Axis("height", h, kh, o.Stride.H, o.Dilation.H, o.Padding.Spatial, vertical: true);
        var cols = Axis("width", w, kw, o.Stride.W, o.Dilation.W, o.Padding.Spatial, vertical: false);
        if (time.Out <= 0 || rows.Out <= 0 || cols.Out <= 0)
            throw new ConvStreamException(
                $"kernel {kt}x{kh}x{kw} (dilated {time.Span}x{rows.Span}x{cols.Span}) is larger than the padded input {time.Padded}x{rows.Padded}x{cols.Padded}");
        long outputs = checked((long)n * cout * time.Out * rows.Out * cols.Out);
        if (outputs > int.MaxValue)
            throw new ConvStreamException($"conv3d output ({n},{cout},{time.Out},{rows.Out},{cols.Out}) would have {outputs} elements, more than a tensor holds (2^31 − 1)");
        return new Conv3dShape(n, c, t, h, w, cout, kt, kh, kw, o.Groups,
            o.Stride.T, o.Stride.H, o.Stride.W, o.Dilation.T, o.Dilation.H, o.Dilation.W,
            time.Before, time.After, rows.Before, rows.After, cols.Before, cols.After,
            (int)time.Out, (int)rows.Out, (int)cols.Out);
    }

    /// <summary>Sizes one axis in checked 64-bit arithmetic: padding, the dilated kernel, the padded input and the output size.</summary>
    private static (int Before, int After, long Span, long Padded, long Out) Axis(
        string axis, int input, int kernel, int stride, int dilation, Padding padding, bool vertical)
    {
        long span = checked((long)dilation * (kernel - 1) + 1);
        // Every size below is then at most a few times 2^31: no overflow in Padding.Resolve's int arithmetic.
        if (span > int.MaxValue / 4)
            throw new ConvStreamException($"dilation {dilation} × kernel {kernel} along {axis} spans {span} samples, more than conv3d supports ({int.MaxValue / 4})");
        long explicitPad = vertical ? (long)padding.Top + padding.Bottom : (long)padding.Left + padding.Right;
        if (padding.Kind == PaddingKind.Explicit && explicitPad > int.MaxValue / 4)
            throw new ConvStreamException($"padding {explicitPad} along {axis} is more than conv3d supports ({int.MaxValue / 4})");
        var (before, after) = padding.Resolve(vertical, input, kernel, stride, dilation);
        long padded = (long)input + before + after;
        long numerator = padded - span;
        long outSize = numerator < 0 ? 0 : numerator / stride + 1;
        return (before, after, span, padded, outSize);
    }

    /// <summary>The output's shape with the input's batch convention (rank 4 in, rank 4 out).</summary>
    public int[] OutputShape(int inputRank) => inputRank == 4 ? [Cout, OutT, OutH, OutW] : [N, Cout, OutT, OutH, OutW];
}
