namespace ConvStream.Engine.Fitting;

/// <summary>
/// Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations (Golub &amp; Van Loan §8.5):
/// slow for big matrices (O(n³) per sweep) but accurate to the last bits for the tiny and the
/// large eigenvalues alike, which is what a rank and condition test needs.
/// </summary>
internal static class SymmetricEigen
{
    /// <summary>The eigenvalues of the n×n symmetric <paramref name="matrix"/> (row-major, not changed), ascending.</summary>
    public static double[] Values(ReadOnlySpan<double> matrix, int n)
    {
        var a = matrix[..(n * n)].ToArray();
        double total = 0;
        foreach (double v in a) total += v * v;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
                for (int r = p + 1; r < n; r++) off += a[p * n + r] * a[p * n + r];
            if (off <= 1e-32 * total || off == 0) break;
            for (int p = 0; p < n - 1; p++)
                for (int r = p + 1; r < n; r++)
                {
                    double apr = a[p * n + r];
                    if (apr == 0) continue;
                    double app = a[p * n + p], arr = a[r * n + r];
                    double theta = (arr - app) / (2 * apr);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k * n + p], akr = a[k * n + r];
                        a[k * n + p] = c * akp - s * akr;
                        a[k * n + r] = s * akp + c * akr;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p * n + k], ark = a[r * n + k];
                        a[p * n + k] = c * apk - s * ark;
                        a[r * n + k] = s * apk + c * ark;
                    }
                }
        }
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i * n + i];
        Array.Sort(values);
        return values;
    }
}
