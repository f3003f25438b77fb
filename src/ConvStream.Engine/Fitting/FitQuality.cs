using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Fitting;

/// <summary>
/// How close a kernel's output is to the target, over every sample: root mean squared error,
/// the largest absolute error, and PSNR = 10·log10(peak² / MSE) with peak 255 for an 8-bit
/// target and the target's own range (max − min) otherwise.
/// </summary>
public sealed record FitQuality(double Rmse, double MaxError, double Psnr, double Peak)
{
    public static FitQuality Compare(Frame predicted, Frame target)
    {
        if (predicted.Width != target.Width || predicted.Height != target.Height || predicted.Channels != target.Channels)
            throw new ConvStreamException($"cannot compare a {predicted.ShapeText} result with a {target.ShapeText} target");
        var p = FitPair.ToPlanes(predicted, "the kernel's output");
        var t = FitPair.ToPlanes(target, "the target");
        double sse = 0, max = 0, lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < t.Length; i++)
        {
            double e = Math.Abs((double)p[i] - t[i]);
            sse += e * e;
            max = Math.Max(max, e);
            lo = Math.Min(lo, t[i]);
            hi = Math.Max(hi, t[i]);
        }
        double mse = sse / t.Length;
        double peak = target.Depth == PixelDepth.U8 ? 255 : hi > lo ? hi - lo : 1;
        double psnr = mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(peak * peak / mse);
        return new FitQuality(Math.Sqrt(mse), max, psnr, peak);
    }
}
