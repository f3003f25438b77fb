using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// The specification of <c>conv_transpose2d</c>: every input sample scatters a copy of its kernel,
/// scaled by itself, into the output at <c>(iy·s − p + ky·d, ix·s − p + kx·d)</c>; what falls
/// outside is dropped. This is the gradient of conv2d with respect to its input.
/// </summary>
public static class ConvTranspose2dReference
{
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, ConvTranspose2dOptions o)
    {
        var s = ConvTranspose2dShape.Resolve(input, weight, bias, o);
        var acc = new double[(long)s.N * s.Cout * s.OutH * s.OutW];
        var x = input.Data; var wt = weight.Data;
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        for (int n = 0; n < s.N; n++)
            for (int ci = 0; ci < s.Cin; ci++)
            {
                int g = ci / cinG;
                for (int iy = 0; iy < s.H; iy++)
                    for (int ix = 0; ix < s.W; ix++)
                    {
                        double v = x[((n * s.Cin + ci) * s.H + iy) * s.W + ix];
                        for (int col = 0; col < coutG; col++)
                        {
                            int co = g * coutG + col;
                            for (int ky = 0; ky < s.KH; ky++)
                            {
                                int oy = iy * s.SH - s.PH + ky * s.DH;
                                if ((uint)oy >= (uint)s.OutH) continue;
                                for (int kx = 0; kx < s.KW; kx++)
                                {
                                    int ox = ix * s.SW - s.PW + kx * s.DW;
                                    if ((uint)ox >= (uint)s.OutW) continue;
                                    acc[((n * s.Cout + co) * s.OutH + oy) * s.OutW + ox] += v * wt[((ci * coutG + col) * s.KH + ky) * s.KW + kx];
                                }
                            }
                        }
                    }
            }
        var output = Tensor.Zeros(s.OutputShape(input.Rank));
        int plane = s.OutH * s.OutW;
        for (int i = 0; i < acc.Length; i++)
            output.Data[i] = (float)(acc[i] + (bias is null ? 0 : bias.Data[i / plane % s.Cout]));
        return output;
    }
}
