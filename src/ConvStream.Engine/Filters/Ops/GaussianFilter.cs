using ConvStream.Engine.Filters.Separable;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>gaussian:size=K,sigma=S[,sigma_y=S2][,border=B]</c>: OpenCV's <c>GaussianBlur</c> on u8
/// frames, bit-exact (OpenCV's 8-bit fixed-point kernel and rounding). size 0 derives the size
/// from sigma as OpenCV does (<c>round(6σ + 1) | 1</c>); sigma ≤ 0 derives sigma from the size;
/// sigma_y ≤ 0 means sigma_y = sigma.
/// </summary>
public sealed class GaussianFilter : SeparableFrameFilter
{
    /// <summary>A size×size Gaussian (odd size; sigma ≤ 0 derives it from the size, and <paramref name="sigmaY"/> 0 means sigma), as OpenCV's GaussianBlur.</summary>
    public GaussianFilter(int size, double sigma, double sigmaY = 0, BorderMode border = BorderMode.Reflect, ExecutionSettings? settings = null)
        : base("gaussian", MakeKernel(size, sigma, sigmaY, out int kw, out int kh), border, settings)
    {
        Size = (kw, kh);
        Sigma = sigma;
        SigmaY = sigmaY <= 0 ? sigma : sigmaY;
    }

    /// <summary>The kernel's width and height.</summary>
    public (int Width, int Height) Size { get; }
    /// <summary>The horizontal sigma as given (≤ 0: derived from the size).</summary>
    public double Sigma { get; }
    /// <summary>The vertical sigma: the one given, or <see cref="Sigma"/> when 0 was given.</summary>
    public double SigmaY { get; }

    private static SeparableKernel MakeKernel(int size, double sigma, double sigmaY, out int kw, out int kh)
    {
        if (sigmaY <= 0) sigmaY = sigma;
        kw = size > 0 ? size : sigma > 0 ? GaussianKernel.SizeFromSigma(sigma) : 0;
        kh = size > 0 ? size : sigmaY > 0 ? GaussianKernel.SizeFromSigma(sigmaY) : 0;
        if (kw <= 0 || kh <= 0 || kw % 2 == 0 || kh % 2 == 0)
            throw new ConvStreamException($"gaussian: kernel size {kw}x{kh} must be odd and positive (give size or a positive sigma)");
        var kx = GaussianKernel.FixedPoint(kw, Math.Max(sigma, 0));
        var ky = GaussianKernel.FixedPoint(kh, Math.Max(sigmaY, 0));
        return new SeparableKernel(new[] { (kx, ky) }, GaussianRounding.Instance, unsignedRows: true);
    }
}
