namespace ConvStream.Engine.Fitting;

/// <summary>
/// The orthonormal DCT-II basis of a (Cin, KH, KW) kernel, along all three axes, in which
/// <see cref="AdamFit"/> takes its steps. Natural images are close to stationary with most power
/// at low frequencies, so in the pixel basis neighbouring taps see almost the same data and the
/// loss is a long narrow valley that per-coordinate step sizes cannot follow; the DCT nearly
/// diagonalises a stationary patch covariance, so there Adam's per-coordinate scaling is the
/// preconditioner the problem needs. (Across BGR channels the 3-point DCT is a luminance /
/// opponent-colour split, which decorrelates colour the same way.) Orthonormal, so
/// ‖w‖ = ‖u‖, the L2 term is unchanged, and the gradient in the basis is the analysis of the
/// pixel gradient.
/// </summary>
internal sealed class KernelBasis
{
    private readonly int _cin, _kh, _kw;
    private readonly double[] _cc, _ch, _cw;
    private readonly double[] _scratch;

    public KernelBasis(int cin, int kh, int kw)
    {
        _cin = cin; _kh = kh; _kw = kw;
        _cc = Dct(cin); _ch = Dct(kh); _cw = Dct(kw);
        _scratch = new double[cin * kh * kw];
    }

    /// <summary>C[k, n] = s_k·cos(π(n + ½)k / N), s_0 = √(1/N), s_k = √(2/N): rows are the basis vectors.</summary>
    private static double[] Dct(int n)
    {
        var c = new double[n * n];
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++)
                c[k * n + i] = Math.Sqrt((k == 0 ? 1.0 : 2.0) / n) * Math.Cos(Math.PI * (i + 0.5) * k / n);
        return c;
    }

    /// <summary>Pixel weights from coefficients, one (Cin, KH, KW) block at a time: w = Cᵀu along each axis.</summary>
    public void Synthesize(ReadOnlySpan<double> u, Span<double> w) => Apply(u, w, transpose: true);

    /// <summary>Coefficients (or their gradient) from pixel weights (or their gradient): u = Cw along each axis.</summary>
    public void Analyse(ReadOnlySpan<double> w, Span<double> u) => Apply(w, u, transpose: false);

    private void Apply(ReadOnlySpan<double> from, Span<double> to, bool transpose)
    {
        int block = _cin * _kh * _kw;
        for (int b = 0; b < from.Length; b += block)
        {
            var src = from.Slice(b, block);
            var dst = to.Slice(b, block);
            src.CopyTo(dst);
            Axis(dst, _cc, _cin, _kh * _kw, transpose);
            Axis(dst, _ch, _kh, _kw, transpose);
            Axis(dst, _cw, _kw, 1, transpose);
        }
    }

    /// <summary>Multiplies every line of length n (elements <paramref name="stride"/> apart) by C or Cᵀ, in place.</summary>
    private void Axis(Span<double> a, double[] c, int n, int stride, bool transpose)
    {
        if (n == 1) return;
        var line = _scratch.AsSpan(0, n);
        int total = a.Length, span = n * stride;
        for (int outer = 0; outer < total; outer += span)
            for (int inner = 0; inner < stride; inner++)
            {
                int at = outer + inner;
                for (int i = 0; i < n; i++) line[i] = a[at + i * stride];
                for (int k = 0; k < n; k++)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += (transpose ? c[i * n + k] : c[k * n + i]) * line[i];
                    a[at + k * stride] = s;
                }
            }
    }
}
