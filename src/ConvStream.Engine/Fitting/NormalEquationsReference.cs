using ConvStream.Engine.Geometry;

namespace ConvStream.Engine.Fitting;

/// <summary>
/// The specification of <see cref="NormalEquations"/>: for every output sample, its patch (each
/// tap read through <see cref="BorderModes.Map"/>, then 1 for the bias) and target, summed into
/// AᵀWA, AᵀWb and bᵀWb one sample at a time, in double.
/// </summary>
internal static class NormalEquationsReference
{
    public static NormalEquations Build(FitDesign design)
    {
        var model = design.Model;
        int q = design.Unknowns, outs = design.Outputs, taps = design.Taps;
        var gram = new double[q * q];
        var rhs = new double[outs * q];
        var squares = new double[outs];
        var patch = new double[q];
        foreach (var g in design.Groups)
        {
            var pair = design.Pairs[g.Pair];
            var weights = design.TargetWeights(g.Pair);
            int w = pair.Width, h = pair.Height, plane = pair.Plane;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    double wt = weights is null ? 1 : weights[g.FirstTarget * plane + y * w + x];
                    if (wt == 0) continue;
                    int t = 0;
                    for (int ci = 0; ci < design.Inputs; ci++)
                        for (int ky = 0; ky < model.KH; ky++)
                        {
                            int sy = BorderModes.Map(y + ky - model.AnchorY, h, model.Border);
                            for (int kx = 0; kx < model.KW; kx++, t++)
                            {
                                int sx = BorderModes.Map(x + kx - model.AnchorX, w, model.Border);
                                patch[t] = sy < 0 || sx < 0 ? 0 : pair.Input[(g.FirstInput + ci) * plane + sy * w + sx];
                            }
                        }
                    if (model.Bias) patch[taps] = 1;
                    for (int i = 0; i < q; i++)
                        for (int j = 0; j < q; j++) gram[i * q + j] += wt * patch[i] * patch[j];
                    for (int o = 0; o < outs; o++)
                    {
                        double b = pair.Target[(g.FirstTarget + o) * plane + y * w + x];
                        for (int i = 0; i < q; i++) rhs[o * q + i] += wt * patch[i] * b;
                        squares[o] += wt * b * b;
                    }
                }
        }
        return new NormalEquations(q, outs, gram, rhs, squares, NormalEquations.CountOf(design));
    }
}
