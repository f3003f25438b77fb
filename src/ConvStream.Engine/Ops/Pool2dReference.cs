using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// The specification of max and average pooling, exactly PyTorch's: padded samples are −∞ for
/// max; the average divides by the window clipped to the padded input (count_include_pad) or to
/// the input alone; NaN propagates through max.
/// </summary>
public static class Pool2dReference
{
    public static Tensor MaxPool(Tensor input, Pool2dOptions o)
    {
        var s = Pool2dShape.Resolve(input, o);
        var output = Tensor.Zeros(s.OutputShape(input.Rank));
        var x = input.Data; var y = output.Data;
        for (int nc = 0; nc < s.N * s.C; nc++)
            for (int oy = 0; oy < s.OutH; oy++)
                for (int ox = 0; ox < s.OutW; ox++)
                {
                    float m = float.NegativeInfinity;
                    for (int ky = 0; ky < s.KH; ky++)
                    {
                        int iy = oy * s.SH - s.PH + ky * s.DH;
                        if ((uint)iy >= (uint)s.H) continue;
                        for (int kx = 0; kx < s.KW; kx++)
                        {
                            int ix = ox * s.SW - s.PW + kx * s.DW;
                            if ((uint)ix >= (uint)s.W) continue;
                            float v = x[(nc * s.H + iy) * s.W + ix];
                            if (v > m || float.IsNaN(v)) m = v;
                            if (float.IsNaN(m)) break;
                        }
                    }
                    y[(nc * s.OutH + oy) * s.OutW + ox] = m;
                }
        return output;
    }

    public static Tensor AvgPool(Tensor input, Pool2dOptions o)
    {
        if (o.Dilation != new Geometry.Size2(1, 1)) throw new ConvStreamException($"dilation is not supported by avg-pool2d (PyTorch's avg_pool2d has none) but is {o.Dilation}");
        var s = Pool2dShape.Resolve(input, o);
        var output = Tensor.Zeros(s.OutputShape(input.Rank));
        var x = input.Data; var y = output.Data;
        for (int nc = 0; nc < s.N * s.C; nc++)
            for (int oy = 0; oy < s.OutH; oy++)
                for (int ox = 0; ox < s.OutW; ox++)
                {
                    int y0 = oy * s.SH - s.PH, x0 = ox * s.SW - s.PW;
                    int y1 = Math.Min(y0 + s.KH, s.H + s.PH), x1 = Math.Min(x0 + s.KW, s.W + s.PW);
                    int padded = (y1 - y0) * (x1 - x0);
                    y0 = Math.Max(y0, 0); x0 = Math.Max(x0, 0);
                    y1 = Math.Min(y1, s.H); x1 = Math.Min(x1, s.W);
                    double sum = 0;
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++)
                            sum += x[(nc * s.H + iy) * s.W + ix];
                    int divisor = o.CountIncludePad ? padded : (y1 - y0) * (x1 - x0);
                    y[(nc * s.OutH + oy) * s.OutW + ox] = divisor > 0 ? (float)(sum / divisor) : 0f;
                }
        return output;
    }
}
