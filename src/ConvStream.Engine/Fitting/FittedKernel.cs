namespace ConvStream.Engine.Fitting;

/// <summary>Which solver produced a kernel.</summary>
public enum FitMethod { Auto, LeastSquares, Adam }

/// <summary>
/// A fitted kernel in correlation order for its <see cref="Model"/>: weights (Outputs, Inputs,
/// KH, KW) and one bias per output (0 when no bias was fitted), with how it was found.
/// </summary>
public sealed class FittedKernel
{
    public FittedKernel(KernelModel model, int inputs, int outputs, double[] weights, double[] bias,
                        FitMethod method, FitCondition? condition, IReadOnlyList<double> lossCurve, double loss)
    {
        if (weights.Length != outputs * inputs * model.KH * model.KW) throw new ArgumentException("weights do not match the model", nameof(weights));
        if (bias.Length != outputs) throw new ArgumentException("one bias per output", nameof(bias));
        Model = model; Inputs = inputs; Outputs = outputs; Weights = weights; Bias = bias;
        Method = method; Condition = condition; LossCurve = lossCurve; Loss = loss;
    }

    public KernelModel Model { get; }
    public int Inputs { get; }
    public int Outputs { get; }
    /// <summary>(Outputs, Inputs, KH, KW) row-major, correlation order (not flipped).</summary>
    public double[] Weights { get; }
    public double[] Bias { get; }
    public FitMethod Method { get; }
    /// <summary>Null when the normal equations were too large to build (Adam on a big kernel).</summary>
    public FitCondition? Condition { get; }
    /// <summary>The loss after each Adam step (empty for least squares).</summary>
    public IReadOnlyList<double> LossCurve { get; }
    /// <summary>The final loss: mean squared error per output plus the L2 term (see <see cref="LeastSquares.Loss"/>).</summary>
    public double Loss { get; }

    public double Weight(int o, int ci, int ky, int kx) => Weights[((o * Inputs + ci) * Model.KH + ky) * Model.KW + kx];

    /// <summary>The unknowns of output <paramref name="o"/> in the equations' order: taps, then the bias if fitted.</summary>
    public double[] Unknowns(int o)
    {
        int taps = Inputs * Model.KH * Model.KW;
        var u = new double[taps + (Model.Bias ? 1 : 0)];
        Array.Copy(Weights, o * taps, u, 0, taps);
        if (Model.Bias) u[taps] = Bias[o];
        return u;
    }
}
