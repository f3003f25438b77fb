using ConvStream.Engine.Geometry;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>Resolved and validated sizes of one pooling call.</summary>
public readonly record struct Pool2dShape(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int OutH, int OutW)
{
    public static Pool2dShape Resolve(Tensor input, Pool2dOptions o)
    {
        var (n, c, h, w) = input.Nchw("input");
        if (h <= 0 || w <= 0 || c <= 0 || n <= 0) throw new ConvStreamException($"input has an empty dimension (N={n}, C={c}, H={h}, W={w})");
        var k = o.Kernel; var s = o.EffectiveStride; var p = o.Padding; var d = o.Dilation;
        if (k.H <= 0 || k.W <= 0) throw new ConvStreamException($"kernel must be positive but is {k}");
        if (s.H <= 0 || s.W <= 0) throw new ConvStreamException($"stride must be positive but is {s}");
        if (d.H <= 0 || d.W <= 0) throw new ConvStreamException($"dilation must be positive but is {d}");
        if (p.H < 0 || p.W < 0) throw new ConvStreamException($"padding must not be negative but is {p}");
        if (p.H > k.H / 2 || p.W > k.W / 2)
            throw new ConvStreamException($"padding {p} must be at most half the kernel {k}");
        GeometryLimits.Extent(h, "input height"); GeometryLimits.Extent(w, "input width");
        GeometryLimits.Extents(k, "kernel"); GeometryLimits.Extents(s, "stride");
        GeometryLimits.Extents(d, "dilation"); GeometryLimits.Extents(p, "padding");
        int ekh = GeometryLimits.Extent((long)d.H * (k.H - 1) + 1, "dilated window height");
        int ekw = GeometryLimits.Extent((long)d.W * (k.W - 1) + 1, "dilated window width");
        if (ekh > h + 2 * p.H || ekw > w + 2 * p.W)
            throw new ConvStreamException($"window {ekh}x{ekw} is larger than the padded input {h + 2 * p.H}x{w + 2 * p.W}");
        int oh = ConvGeometry.PoolOutputSize(h, k.H, s.H, p.H, d.H, o.CeilMode);
        int ow = ConvGeometry.PoolOutputSize(w, k.W, s.W, p.W, d.W, o.CeilMode);
        GeometryLimits.Elements("output", sizeof(float), n, c, oh, ow);
        return new Pool2dShape(n, c, h, w, k.H, k.W, s.H, s.W, p.H, p.W, d.H, d.W, oh, ow);
    }

    public int[] OutputShape(int inputRank) => inputRank == 3 ? [C, OutH, OutW] : [N, C, OutH, OutW];
}
