using ConvStream.Engine.Geometry;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// Every size of one conv2d call, resolved and validated once: the shared front of the reference,
/// the fast paths and the backward pass. Errors name the tensor or option and what was expected.
/// </summary>
public readonly record struct Conv2dShape(
    int N, int Cin, int H, int W,
    int Cout, int KH, int KW, int Groups,
    int StrideH, int StrideW, int DilationH, int DilationW,
    int PadTop, int PadBottom, int PadLeft, int PadRight,
    int OutH, int OutW)
{
    public int CinPerGroup => Cin / Groups;
    public int CoutPerGroup => Cout / Groups;

    /// <summary>Multiply-adds of the whole call.</summary>
    public long MultiplyAdds => (long)N * Cout * OutH * OutW * CinPerGroup * KH * KW;

    public static Conv2dShape Resolve(Tensor input, Tensor weight, Tensor? bias, Conv2dOptions o)
    {
        var (n, c, h, w) = input.Nchw("input");
        if (weight.Rank != 4)
            throw new ConvStreamException($"weight must be (Cout, Cin/groups, KH, KW) but has shape {weight.ShapeText}");
        int cout = weight.Dim(0), cinG = weight.Dim(1), kh = weight.Dim(2), kw = weight.Dim(3);
        return Resolve(n, c, h, w, cout, cinG, kh, kw, bias, o);
    }

    public static Conv2dShape Resolve(int n, int c, int h, int w, int cout, int cinPerGroup, int kh, int kw, Tensor? bias, Conv2dOptions o)
    {
        if (o.Groups <= 0) throw new ConvStreamException($"groups must be positive but is {o.Groups}");
        if (c % o.Groups != 0) throw new ConvStreamException($"groups {o.Groups} does not divide the input's {c} channels");
        if (cout % o.Groups != 0) throw new ConvStreamException($"groups {o.Groups} does not divide the weight's {cout} output channels");
        if (cinPerGroup != c / o.Groups)
            throw new ConvStreamException(o.Groups == 1
                ? $"weight expects {cinPerGroup} input channels but the input has {c}"
                : $"weight expects {cinPerGroup} input channels per group but the input has {c} channels in {o.Groups} groups ({c / o.Groups} per group)");
        if (kh <= 0 || kw <= 0 || cout <= 0) throw new ConvStreamException($"weight has an empty dimension ({cout},{cinPerGroup},{kh},{kw})");
        if (h <= 0 || w <= 0 || c <= 0 || n <= 0) throw new ConvStreamException($"input has an empty dimension (N={n}, C={c}, H={h}, W={w})");
        if (o.Stride.H <= 0 || o.Stride.W <= 0) throw new ConvStreamException($"stride must be positive but is {o.Stride}");
        if (o.Dilation.H <= 0 || o.Dilation.W <= 0) throw new ConvStreamException($"dilation must be positive but is {o.Dilation}");
        var p = o.Padding;
        if (p.Top < 0 || p.Bottom < 0 || p.Left < 0 || p.Right < 0) throw new ConvStreamException($"padding must not be negative but is {p}");
        // Every axis value within GeometryLimits.MaxExtent, so the sums below cannot overflow.
        GeometryLimits.Extent(h, "input height"); GeometryLimits.Extent(w, "input width");
        GeometryLimits.Extents(o.Stride, "stride"); GeometryLimits.Extents(o.Dilation, "dilation");
        GeometryLimits.Extent(p.Top, "padding"); GeometryLimits.Extent(p.Bottom, "padding");
        GeometryLimits.Extent(p.Left, "padding"); GeometryLimits.Extent(p.Right, "padding");
        int ekh = GeometryLimits.Extent((long)o.Dilation.H * (kh - 1) + 1, "dilated kernel height");
        int ekw = GeometryLimits.Extent((long)o.Dilation.W * (kw - 1) + 1, "dilated kernel width");
        var (pt, pb) = p.Resolve(true, h, kh, o.Stride.H, o.Dilation.H);
        var (pl, pr) = p.Resolve(false, w, kw, o.Stride.W, o.Dilation.W);
        if (ekh > h + pt + pb || ekw > w + pl + pr)
            throw new ConvStreamException($"kernel {kh}x{kw} (dilated {ekh}x{ekw}) is larger than the padded input {h + pt + pb}x{w + pl + pr}");
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != cout))
            throw new ConvStreamException($"bias must have {cout} values (one per output channel) but has shape {bias.ShapeText}");
        int oh = ConvGeometry.OutputSize(h, kh, o.Stride.H, pt, pb, o.Dilation.H);
        int ow = ConvGeometry.OutputSize(w, kw, o.Stride.W, pl, pr, o.Dilation.W);
        GeometryLimits.Elements("output", sizeof(float), n, cout, oh, ow);
        return new Conv2dShape(n, c, h, w, cout, kh, kw, o.Groups, o.Stride.H, o.Stride.W, o.Dilation.H, o.Dilation.W, pt, pb, pl, pr, oh, ow);
    }

    /// <summary>The output's shape with the input's batch convention (rank 3 in, rank 3 out).</summary>
    public int[] OutputShape(int inputRank) => inputRank == 3 ? [Cout, OutH, OutW] : [N, Cout, OutH, OutW];
}
