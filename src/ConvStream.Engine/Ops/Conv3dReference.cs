using ConvStream.Engine.Geometry;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// The specification of conv3d: the plainest possible loops, accumulated in double so that its
/// rounding does not depend on loop order. The fast path is tested against this.
/// <c>out[n,co,t,y,x] = bias[co] + Σ_ci Σ_kt Σ_ky Σ_kx in[n, g·Cin/G + ci, t·st − pf + kt·dt, y·sh − pt + ky·dh, x·sw − pl + kx·dw] · w[co,ci,kt',ky',kx']</c>,
/// where k' = k for cross-correlation and K−1−k for true convolution (all three axes); a sample
/// outside a frame is given by the border mode, a frame outside the clip by the temporal border.
/// </summary>
public static class Conv3dReference
{
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, Conv3dOptions o)
    {
        var s = Conv3dShape.Resolve(input, weight, bias, o);
        var output = Tensor.Zeros(s.OutputShape(input.Rank));
        var x = input.Data; var wt = weight.Data; var y = output.Data;
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        var timeBorder = o.TimeBorder;
        for (int n = 0; n < s.N; n++)
            for (int co = 0; co < s.Cout; co++)
            {
                int g = co / coutG;
                for (int ot = 0; ot < s.OutT; ot++)
                    for (int oy = 0; oy < s.OutH; oy++)
                        for (int ox = 0; ox < s.OutW; ox++)
                        {
                            double acc = bias is null ? 0 : bias.Data[co];
                            for (int ci = 0; ci < cinG; ci++)
                            {
                                int c = g * cinG + ci;
                                for (int kt = 0; kt < s.KT; kt++)
                                {
                                    int it = BorderModes.Map(ot * s.StrideT - s.PadFront + kt * s.DilationT, s.T, timeBorder);
                                    if (it < 0) continue;
                                    int wkt = o.Flip ? s.KT - 1 - kt : kt;
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
                                            acc += x[(((long)(n * s.Cin + c) * s.T + it) * s.H + iy) * s.W + ix]
                                                 * wt[(((co * cinG + ci) * s.KT + wkt) * s.KH + wky) * s.KW + wkx];
                                        }
                                    }
                                }
                            }
                            float v = (float)acc;
                            if (o.Relu && v < 0) v = 0; // NaN stays NaN, as PyTorch's relu
                            y[(((long)(n * s.Cout + co) * s.OutT + ot) * s.OutH + oy) * s.OutW + ox] = v;
                        }
            }
        return output;
    }
}
