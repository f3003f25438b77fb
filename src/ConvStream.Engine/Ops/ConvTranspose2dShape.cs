using ConvStream.Engine.Geometry;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>Resolved and validated sizes of one transposed convolution.</summary>
public readonly record struct ConvTranspose2dShape(int N, int Cin, int H, int W, int Cout, int KH, int KW, int Groups,
    int SH, int SW, int PH, int PW, int DH, int DW, int OutH, int OutW)
{
    public int CinPerGroup => Cin / Groups;
    public int CoutPerGroup => Cout / Groups;

    public static ConvTranspose2dShape Resolve(Tensor input, Tensor weight, Tensor? bias, ConvTranspose2dOptions o)
    {
        if (weight.Rank != 4)
            throw new ConvStreamException($"weight must be (Cin, Cout/groups, KH, KW) but has shape {weight.ShapeText}");
        return Resolve(input, weight.Dim(0), weight.Dim(1), weight.Dim(2), weight.Dim(3), bias, o);
    }

    /// <summary>As <see cref="Resolve(Tensor, Tensor, Tensor?, ConvTranspose2dOptions)"/> for a weight of shape (<paramref name="weightIn"/>, <paramref name="weightOutPerGroup"/>, <paramref name="kh"/>, <paramref name="kw"/>) (a plan's, which no longer holds the tensor).</summary>
    public static ConvTranspose2dShape Resolve(Tensor input, int weightIn, int weightOutPerGroup, int kh, int kw, Tensor? bias, ConvTranspose2dOptions o)
    {
        var (n, c, h, w) = input.Nchw("input");
        if (o.Groups <= 0) throw new ConvStreamException($"groups must be positive but is {o.Groups}");
        if (c % o.Groups != 0) throw new ConvStreamException($"groups {o.Groups} does not divide the input's {c} channels");
        if (weightIn != c)
            throw new ConvStreamException($"weight expects {weightIn} input channels (its first dimension) but the input has {c}");
        int cout = weightOutPerGroup * o.Groups;
        if (kh <= 0 || kw <= 0 || cout <= 0) throw new ConvStreamException($"weight has an empty dimension {Tensor.ShapeString([weightIn, weightOutPerGroup, kh, kw])}");
        if (h <= 0 || w <= 0 || n <= 0) throw new ConvStreamException($"input has an empty dimension (N={n}, C={c}, H={h}, W={w})");
        var s = o.Stride; var p = o.Padding; var op = o.OutputPadding; var d = o.Dilation;
        if (s.H <= 0 || s.W <= 0) throw new ConvStreamException($"stride must be positive but is {s}");
        if (d.H <= 0 || d.W <= 0) throw new ConvStreamException($"dilation must be positive but is {d}");
        if (p.H < 0 || p.W < 0) throw new ConvStreamException($"padding must not be negative but is {p}");
        if (op.H < 0 || op.W < 0) throw new ConvStreamException($"output padding must not be negative but is {op}");
        if ((op.H >= s.H && op.H >= d.H) || (op.W >= s.W && op.W >= d.W))
            throw new ConvStreamException($"output padding {op} must be smaller than the stride {s} or the dilation {d}");
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != cout))
            throw new ConvStreamException($"bias must have {cout} values (one per output channel) but has shape {bias.ShapeText}");
        GeometryLimits.Extent(h, "input height"); GeometryLimits.Extent(w, "input width");
        GeometryLimits.Extents(s, "stride"); GeometryLimits.Extents(d, "dilation");
        GeometryLimits.Extents(p, "padding"); GeometryLimits.Extents(op, "output padding");
        GeometryLimits.Extent((long)d.H * (kh - 1) + 1, "dilated kernel height");
        GeometryLimits.Extent((long)d.W * (kw - 1) + 1, "dilated kernel width");
        int oh = ConvGeometry.TransposedOutputSize(h, kh, s.H, p.H, d.H, op.H);
        int ow = ConvGeometry.TransposedOutputSize(w, kw, s.W, p.W, d.W, op.W);
        if (oh <= 0 || ow <= 0)
            throw new ConvStreamException($"padding {p} removes the whole output ({oh}x{ow}) of the transposed convolution");
        GeometryLimits.Elements("output", sizeof(float), n, cout, oh, ow);
        return new ConvTranspose2dShape(n, c, h, w, cout, kh, kw, o.Groups, s.H, s.W, p.H, p.W, d.H, d.W, oh, ow);
    }

    public int[] OutputShape(int inputRank) => inputRank == 3 ? [Cout, OutH, OutW] : [N, Cout, OutH, OutW];
}
