namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// Rank-1 detection: a 2-D kernel K that is an outer product <c>K = u·vᵀ</c> (Gaussian, box,
/// Sobel) can run as a row pass with v and a column pass with u, KH+KW multiply-adds per output
/// instead of KH·KW. The factors are read off the largest entry (row and column through it) and
/// accepted only when they rebuild every entry within <see cref="Tolerance"/> of the largest
/// magnitude, i.e. to float rounding: a kernel that is only nearly rank 1 runs the direct path.
/// </summary>
internal static class SeparableKernel
{
    /// <summary>Largest accepted |K − u·vᵀ| relative to max |K| (a few float ulps).</summary>
    public const double Tolerance = 1e-6;

    /// <summary>
    /// Whether the row and column passes are worth their intermediate rows for this kernel size.
    /// Against the row-blocked depthwise path the bar is higher: on 3-channel 1080p (the
    /// convperf timing behind Conv2dBenchmarks) a rank-1 5×5 ran 5.7 ms separable vs 4.6 ms
    /// depthwise, a 9×9 7.9 ms vs 10.4 ms; against the direct path's one-channel blocks, 4×4 already gains.
    /// </summary>
    public static bool PaysOff(int kh, int kw, bool depthwiseAvailable)
        => kh * kw >= (depthwiseAvailable ? 3 : 2) * (kh + kw);

    /// <summary>Factors the KH×KW kernel <paramref name="k"/> (row-major) into u (KH) and v (KW), or returns false.</summary>
    public static bool TryFactor(ReadOnlySpan<float> k, int kh, int kw, Span<float> u, Span<float> v)
    {
        int pivot = 0;
        for (int i = 1; i < kh * kw; i++)
            if (Math.Abs(k[i]) > Math.Abs(k[pivot])) pivot = i;
        double max = Math.Abs(k[pivot]);
        if (max == 0 || !double.IsFinite(max)) return false;
        int py = pivot / kw, px = pivot % kw;
        for (int x = 0; x < kw; x++) v[x] = k[py * kw + x];
        for (int y = 0; y < kh; y++) u[y] = (float)((double)k[y * kw + px] / k[pivot]);
        for (int y = 0; y < kh; y++)
            for (int x = 0; x < kw; x++)
            {
                double rebuilt = (double)u[y] * v[x];
                if (!(Math.Abs(rebuilt - k[y * kw + x]) <= Tolerance * max)) return false;
            }
        return true;
    }
}
