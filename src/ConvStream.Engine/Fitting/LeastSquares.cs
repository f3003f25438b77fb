namespace ConvStream.Engine.Fitting;

/// <summary>
/// The exact least-squares kernel from the normal equations: the loss
/// <c>L(w) = (1/N) Σ W·(A w − b)² + λ‖w_taps‖²</c> (the bias is not regularised) is quadratic in
/// w, so its minimum solves <c>(AᵀWA/N + λI) w = AᵀWb/N</c>; with full rank that is the global
/// optimum. Before solving, the system is scaled to a unit diagonal and its eigenvalues are
/// taken: an image without texture (flat, a single stripe, too smooth for the kernel's size)
/// gives a singular or nearly singular system, and is refused instead of answered with noise.
/// </summary>
public static class LeastSquares
{
    /// <summary>
    /// Above this condition (of the unit-diagonal normal equations) the pairs do not determine the
    /// kernel: errors of 1e-10 relative in the sums would move the answer by 100 %. Photos of real
    /// scenes give 1e2–1e7 for 3×3 to 9×9 kernels; flat images and stripes give 1e16 and more.
    /// </summary>
    public const double MaxCondition = 1e10;

    /// <summary>Eigenvalues below this fraction of the largest count as zero for the rank.</summary>
    private const double RankTolerance = 1e-12;

    /// <summary>The condition and rank of <paramref name="eq"/>'s Gram matrix.</summary>
    public static FitCondition Analyse(NormalEquations eq)
    {
        int q = eq.Unknowns;
        var d = UnitDiagonalScale(eq.Gram, q);
        if (d is null) return new FitCondition(double.PositiveInfinity, 0, q);
        var scaled = Scale(eq.Gram, d, q);
        var values = SymmetricEigen.Values(scaled, q);
        double max = values[^1], min = values[0];
        int rank = 0;
        foreach (double v in values) if (v > RankTolerance * max) rank++;
        double condition = min > 0 ? max / min : double.PositiveInfinity;
        return new FitCondition(condition, rank, q);
    }

    /// <summary>Throws the "no texture" error when <paramref name="condition"/> says the pairs cannot identify the kernel.</summary>
    /// <param name="clippedShare">The share of target samples left out as clipped (0..1): when it is large, that is the likelier cause, and the message says so.</param>
    public static void RequireTexture(FitCondition condition, string pairName, string kernelSize, double clippedShare = 0)
    {
        if (condition.Condition <= MaxCondition) return;
        string how = condition.FullRank
            ? $"the fit's condition number is {condition.Condition:0.0e0}, above {MaxCondition:0e0}"
            : $"its patches span only {condition.Rank} of the kernel's {condition.Unknowns} unknowns";
        if (clippedShare >= 0.25) how += $"; {clippedShare:P0} of the target's samples are 0 or 255 (clipped) and do not count: a float target (.npy) keeps them";
        throw new ConvStreamException($"{pairName} has no texture to identify a {kernelSize} kernel; use an image with detail in every direction ({how})");
    }

    /// <summary>
    /// The solution, Outputs × Unknowns (taps then bias), for L2 weight <paramref name="l2"/> on the
    /// first <paramref name="taps"/> unknowns. Call after <see cref="RequireTexture"/>.
    /// </summary>
    public static double[] Solve(NormalEquations eq, int taps, double l2)
    {
        int q = eq.Unknowns;
        double n = eq.Count;
        if (!(n > 0)) throw new ConvStreamException("the fit has no samples that count (every target sample is clipped at 0 or 255)");
        var g = new double[q * q];
        for (int i = 0; i < g.Length; i++) g[i] = eq.Gram[i] / n;
        for (int i = 0; i < taps; i++) g[i * q + i] += l2;
        var d = UnitDiagonalScale(g, q) ?? throw new ConvStreamException("the normal equations have a zero diagonal: some tap never sees a non-zero sample");
        var chol = Cholesky.Factor(Scale(g, d, q), q)
                   ?? throw new ConvStreamException("the normal equations are not positive definite to working precision; the pairs do not determine the kernel");
        var solution = new double[eq.Outputs * q];
        var rhs = new double[q];
        for (int o = 0; o < eq.Outputs; o++)
        {
            for (int i = 0; i < q; i++) rhs[i] = eq.Rhs[o * q + i] / n * d[i];
            var z = chol.Solve(rhs);
            for (int i = 0; i < q; i++) solution[o * q + i] = z[i] * d[i];
        }
        return solution;
    }

    /// <summary>
    /// The loss of <paramref name="solution"/> from the sums alone: per output kernel, the mean
    /// squared error over its counted samples plus λ‖w_taps‖², averaged over the outputs (so each
    /// output's kernel is its own independent problem, as <see cref="Solve"/> solves it).
    /// </summary>
    public static double Loss(NormalEquations eq, ReadOnlySpan<double> solution, int taps, double l2)
    {
        int q = eq.Unknowns;
        double sse = 0, penalty = 0;
        for (int o = 0; o < eq.Outputs; o++)
        {
            var w = solution.Slice(o * q, q);
            double quad = 0, lin = 0;
            for (int i = 0; i < q; i++)
            {
                double gw = 0;
                for (int j = 0; j < q; j++) gw += eq.Gram[i * q + j] * w[j];
                quad += w[i] * gw;
                lin += w[i] * eq.Rhs[o * q + i];
            }
            sse += Math.Max(0, eq.TargetSquares[o] - 2 * lin + quad);
            for (int i = 0; i < taps; i++) penalty += w[i] * w[i];
        }
        return (sse / eq.Count + l2 * penalty) / eq.Outputs;
    }

    private static double[]? UnitDiagonalScale(ReadOnlySpan<double> g, int q)
    {
        var d = new double[q];
        for (int i = 0; i < q; i++)
        {
            double v = g[i * q + i];
            if (!(v > 0)) return null;
            d[i] = 1 / Math.Sqrt(v);
        }
        return d;
    }

    private static double[] Scale(ReadOnlySpan<double> g, double[] d, int q)
    {
        var s = new double[q * q];
        for (int i = 0; i < q; i++)
            for (int j = 0; j < q; j++) s[i * q + j] = g[i * q + j] * d[i] * d[j];
        return s;
    }
}
