using ConvStream.Engine.Geometry;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// The specification of conv2d's backward pass, as PyTorch's autograd gives it. With
/// <c>y = conv2d(x, w) + b</c> and <c>G = ∂L/∂y</c>:
/// <list type="bullet">
/// <item>∂L/∂b[co] = Σ G[·, co, ·, ·] (the sum of the output gradient);</item>
/// <item>∂L/∂w = the input correlated with G (each weight collects input·G over every position it touched);</item>
/// <item>∂L/∂x = G scattered back through the kernel: a transposed convolution with the kernel,
/// i.e. a full convolution of G with the flipped kernel. A padded sample that a border mode took
/// from input position i sends its gradient to i.</item>
/// </list>
/// With the fused ReLU, G is first zeroed where the forward output was not positive.
/// </summary>
public static class Conv2dBackwardReference
{
    public static Conv2dGradients Backward(Tensor input, Tensor weight, Tensor gradOutput, Conv2dOptions o)
        => Backward(input, weight, null, gradOutput, o);

    /// <summary>The fused ReLU's gate is the forward output including the forward's bias.</summary>
    public static Conv2dGradients Backward(Tensor input, Tensor weight, Tensor? bias, Tensor gradOutput, Conv2dOptions o)
    {
        var s = Conv2dShape.Resolve(input, weight, bias, o);
        Conv2dBackward.CheckGradOutput(s, input.Rank, gradOutput);
        var gout = gradOutput.Data;
        if (o.Relu)
        {
            var forward = Conv2dReference.Forward(input, weight, bias, o with { Relu = false });
            gout = (float[])gout.Clone();
            for (int i = 0; i < forward.Length; i++) if (!(forward.Data[i] > 0)) gout[i] = 0;
        }
        var gx = new double[input.Length];
        var gw = new double[weight.Length];
        var gb = new double[s.Cout];
        var x = input.Data; var wt = weight.Data;
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        for (int n = 0; n < s.N; n++)
            for (int co = 0; co < s.Cout; co++)
            {
                int g = co / coutG;
                for (int oy = 0; oy < s.OutH; oy++)
                    for (int ox = 0; ox < s.OutW; ox++)
                    {
                        double go = gout[((n * s.Cout + co) * s.OutH + oy) * s.OutW + ox];
                        gb[co] += go;
                        if (go == 0) continue;
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
                                    int xi = ((n * s.Cin + c) * s.H + iy) * s.W + ix;
                                    int wi = ((co * cinG + ci) * s.KH + wky) * s.KW + wkx;
                                    gx[xi] += go * wt[wi];
                                    gw[wi] += go * x[xi];
                                }
                            }
                        }
                    }
            }
        return new Conv2dGradients(
            new Tensor(Array.ConvertAll(gx, v => (float)v), input.Shape.ToArray()),
            new Tensor(Array.ConvertAll(gw, v => (float)v), weight.Shape.ToArray()),
            new Tensor(Array.ConvertAll(gb, v => (float)v), s.Cout));
    }
}
