using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Fitting;

/// <summary>What to fit and how: the solver, its settings and the cores it may use.</summary>
public sealed record KernelFitOptions
{
    public FitMethod Method { get; init; } = FitMethod.Auto;
    /// <summary>λ of the L2 penalty on the taps (not the bias), in the loss's units.</summary>
    public double L2 { get; init; }
    public AdamOptions Adam { get; init; } = new();
    /// <summary>SIMD width and cores for the normal equations and for Adam's conv2d passes.</summary>
    public ExecutionSettings Settings { get; init; } = ExecutionSettings.Default;
}

/// <summary>
/// Learns a kernel from before/after pairs. Least squares when the normal equations are small
/// enough to solve directly (<see cref="MaxLeastSquaresUnknowns"/>: a 3→3 13×13 kernel), Adam
/// otherwise or on request. Either way, when the equations can be built their condition is
/// checked first, so an image without texture is refused rather than fitted to noise.
/// </summary>
public static class KernelFitter
{
    /// <summary>Unknowns per output up to which the normal equations are built (their eigenvalues cost O(n³)).</summary>
    public const int MaxLeastSquaresUnknowns = 512;

    public static FitMethod Resolve(FitMethod method, int unknowns)
        => method != FitMethod.Auto ? method : unknowns <= MaxLeastSquaresUnknowns ? FitMethod.LeastSquares : FitMethod.Adam;

    public static FittedKernel Fit(FitDesign design, KernelFitOptions options, IFitProgress? progress = null, CancellationToken cancel = default)
    {
        if (!(options.L2 >= 0) || !double.IsFinite(options.L2))
            throw new ConvStreamException($"the L2 weight must be a number ≥ 0, got {options.L2}");
        int q = design.Unknowns;
        var method = Resolve(options.Method, q);
        if (method == FitMethod.LeastSquares && q > MaxLeastSquaresUnknowns)
            throw new ConvStreamException($"a {design.Model.SizeText} kernel on {design.Inputs} input channel(s) has {q} unknowns per output, more than least squares takes here ({MaxLeastSquaresUnknowns}); use Adam");

        NormalEquations? eq = null;
        FitCondition? condition = null;
        if (q <= MaxLeastSquaresUnknowns)
        {
            eq = NormalEquations.Build(design, options.Settings.Threads, options.Settings.Level, progress, cancel);
            condition = LeastSquares.Analyse(eq);
            double all = 0;
            foreach (var g in design.Groups) all += design.Pairs[g.Pair].Plane;
            LeastSquares.RequireTexture(condition, design.Pairs[0].Name, design.Model.SizeText, 1 - eq.Count / all);
        }
        if (method == FitMethod.Adam)
            return AdamFit.Fit(design, options.Adam, options.L2, condition, progress, cancel, options.Settings);

        var solution = LeastSquares.Solve(eq!, design.Taps, options.L2);
        int taps = design.Taps, outs = design.Outputs;
        var weights = new double[outs * taps];
        var bias = new double[outs];
        for (int o = 0; o < outs; o++)
        {
            Array.Copy(solution, o * q, weights, o * taps, taps);
            if (design.Model.Bias) bias[o] = solution[o * q + taps];
        }
        double loss = LeastSquares.Loss(eq!, solution, taps, options.L2);
        return new FittedKernel(design.Model, design.Inputs, outs, weights, bias, FitMethod.LeastSquares, condition, [], loss);
    }
}
