using ConvStream.Engine;

namespace ConvStream.Pipeline.Video;

/// <summary>Frame rates as the rationals containers and encoders want (30000/1001, not 29.97).</summary>
public static class FrameRate
{
    /// <summary>
    /// <paramref name="fps"/> as N/1 when whole, as N/1001 when it is one of the NTSC rates (29.97,
    /// 59.94, 23.976…), else to the millisecond as N/1000 (12.5 → 12500/1000).
    /// </summary>
    public static (int Numerator, int Denominator) Rational(double fps)
    {
        if (!(fps > 0) || double.IsInfinity(fps)) throw new ConvStreamException($"frame rate {fps} must be positive");
        if (Math.Abs(fps - Math.Round(fps)) < 1e-9) return ((int)Math.Round(fps), 1);
        if (Math.Abs(fps * 1001 / 1000 - Math.Round(fps * 1001 / 1000)) < 1e-6) return ((int)Math.Round(fps * 1001), 1001);
        return ((int)Math.Round(fps * 1000), 1000);
    }
}
