using ConvStream.Engine.Geometry;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// The specification of conv2d: the plainest possible loops, accumulated in double so that its
/// rounding does not depend on loop order. Every fast path is tested against this.
/// <c>out[n,co,y,x] = bias[co] + Σ_ci Σ_ky Σ_kx in[n, g·Cin/G + ci, y·s − pt + ky·d, x·s − pl + kx·d] · w[co,ci,ky',kx']</c>,
/// where ky' = ky for cross-correlation and KH−1−ky for true convolution; the input sample
/// outside the image is given by the border mode.
/// </summary>
public static class Conv2dReference
{
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, Conv2dOptions o)
    {
        var s = Conv2dShape.Resolve(input, weight, bias, o);
        var output = Tensor.Zeros(s.OutputShape(input.Rank));
        var x = input.Data; var wt = weight.Data; var y = output.Data;
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        for (int n = 0; n < s.N; n++)
            for (int co = 0; co < s.Cout; co++)
            {
                int g = co / coutG;
                for (int oy = 0; oy < s.OutH; oy++)
                    for (int ox = 0; ox < s.OutW; ox++)
                    {
                        double acc = bias is null ? 0 : bias.Data[co];
                        for (int ci = 0; ci < cinG; ci++)
                        {
                            int c = g * cinG + ci;
                            for (int ky = 0; ky < s.KH; ky++)
                            {
                                int iy = BorderModes.Map(oy * s.StrideH - s.PadTop + ky * s.DilationH, s.H, o.Border);
                                if (iy < 0) continue;
                                int wky = o.Flip ? s.KH - 1 - ky : ky;
                                for (int kx = 0; kx < s.KW; kx++)
                                {
                                    int ix = BorderModes.Map(ox * s.StrideW - s.PadLeft + kx * s.DilationW, s.W, o.Border);
                                    if (ix < 0) continue;
                                    int wkx = o.Flip ? s.KW - 1 - kx : kx;
                                    acc += x[((n * s.Cin + c) * s.H + iy) * s.W + ix]
                                         * wt[((co * cinG + ci) * s.KH + wky) * s.KW + wkx];
                                }
                            }
                        }
                        float v = (float)acc;
                        if (o.Relu && v < 0) v = 0; // NaN stays NaN, as PyTorch's relu
                        y[((n * s.Cout + co) * s.OutH + oy) * s.OutW + ox] = v;
                    }
            }
        return output;
    }
}
