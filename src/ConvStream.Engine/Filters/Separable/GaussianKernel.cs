namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// OpenCV's Gaussian kernels, reproduced bit for bit: the double-precision kernel of
/// <c>getGaussianKernel</c> (fixed tables for sigma ≤ 0 and sizes 1–9, otherwise
/// <c>exp(−x²/(2σ²))</c> normalised) and the 8-bit-fraction fixed-point kernel its 8-bit
/// <c>GaussianBlur</c> runs on (rounded with error diffusion so the taps sum to exactly 256).
/// </summary>
internal static class GaussianKernel
{
    /// <summary>Fraction bits of the 8-bit path's taps (OpenCV's ufixedpoint16).</summary>
    public const int FractionBits = 8;

    /// <summary>
    /// The kernel size OpenCV derives from sigma when the size is 0 on 8-bit images:
    /// <c>round(σ·3·2 + 1) | 1</c>.
    /// </summary>
    public static int SizeFromSigma(double sigma) => ((int)Math.Round(sigma * 3 * 2 + 1, MidpointRounding.ToEven)) | 1;

    /// <summary>OpenCV's <c>getGaussianKernel(n, sigma, CV_64F)</c>.</summary>
    public static double[] Weights(int n, double sigma)
    {
        if (n <= 0) throw new ConvStreamException($"Gaussian kernel size {n} must be positive");
        if (sigma <= 0)
        {
            // OpenCV's fixed tables: binomial-like kernels that are exact in binary.
            double[]? table = n switch
            {
                1 => new[] { 1.0 },
                3 => new[] { 0.25, 0.5, 0.25 },
                5 => new[] { 0.0625, 0.25, 0.375, 0.25, 0.0625 },
                7 => new[] { 0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125 },
                9 => new[] { 4 / 256.0, 13 / 256.0, 30 / 256.0, 51 / 256.0, 60 / 256.0, 51 / 256.0, 30 / 256.0, 13 / 256.0, 4 / 256.0 },
                _ => null,
            };
            if (table is not null) return table;
        }

        // sigma ≤ 0: 0.3·((n−1)/2 − 1) + 0.8, which OpenCV evaluates as the fused n·0.15 + 0.35.
        double sigmaX = sigma > 0 ? sigma : Math.FusedMultiplyAdd(n, 0.15, 0.35);
        double scale2X = -0.125 / (sigmaX * sigmaX);
        int half = (n - 1) / 2;
        var values = new double[half + 1];
        double sum = 0;
        for (int i = 0, x = 1 - n; i < half; i++, x += 2)
        {
            // x runs over 2·(i − (n−1)/2), hence −0.125 = −0.5·0.25 in scale2X.
            double t = SoftExp.Exp((double)(x * x) * scale2X);
            values[i] = t;
            sum += t;
        }
        sum *= 2;
        sum += 1;
        if ((n & 1) == 0) sum += 1;
        double mul = 1 / sum;
        var result = new double[n];
        for (int i = 0; i < half; i++)
        {
            double t = values[i] * mul;
            result[i] = t;
            result[n - 1 - i] = t;
        }
        result[half] = mul;
        if ((n & 1) == 0) result[half + 1] = mul;
        return result;
    }

    /// <summary>
    /// The 8-bit path's taps: each weight × 256 rounded (half to even) with the rounding error
    /// carried to the next tap, mirrored, and the centre set so the taps sum to exactly 256.
    /// </summary>
    public static int[] FixedPoint(int n, double sigma)
    {
        if ((n & 1) == 0) throw new ConvStreamException($"Gaussian kernel size {n} must be odd");
        double[] w = Weights(n, sigma);
        const double one = 1 << FractionBits;
        var taps = new int[n];
        int half = n / 2;
        double err = 0;
        int sum = 0;
        for (int i = 0; i < half; i++)
        {
            double adjusted = w[i] * one + err;
            int v = (int)Math.Round(adjusted, MidpointRounding.ToEven);
            err = adjusted - v;
            taps[i] = v;
            taps[n - 1 - i] = v;
            sum += v;
        }
        taps[half] = (1 << FractionBits) - 2 * sum;
        return taps;
    }
}
