namespace ConvStream.Engine.Fitting;

/// <summary>
/// Cholesky factorisation A = LLᵀ of a symmetric positive definite matrix and the two triangular
/// solves: the least-squares solve of the normal equations, once they are known to be well
/// conditioned (<see cref="LeastSquares"/> checks that first).
/// </summary>
internal sealed class Cholesky
{
    private readonly double[] _l;
    private readonly int _n;

    private Cholesky(double[] l, int n) { _l = l; _n = n; }

    /// <summary>The factor, or null when a pivot is not positive (the matrix is not positive definite to working precision).</summary>
    public static Cholesky? Factor(ReadOnlySpan<double> a, int n)
    {
        var l = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
            if (!(d > 0)) return null;
            double ljj = Math.Sqrt(d);
            l[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                l[i * n + j] = s / ljj;
            }
        }
        return new Cholesky(l, n);
    }

    /// <summary>x with A x = b.</summary>
    public double[] Solve(ReadOnlySpan<double> b)
    {
        int n = _n;
        var x = b[..n].ToArray();
        for (int i = 0; i < n; i++)
        {
            double s = x[i];
            for (int k = 0; k < i; k++) s -= _l[i * n + k] * x[k];
            x[i] = s / _l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = x[i];
            for (int k = i + 1; k < n; k++) s -= _l[k * n + i] * x[k];
            x[i] = s / _l[i * n + i];
        }
        return x;
    }
}
