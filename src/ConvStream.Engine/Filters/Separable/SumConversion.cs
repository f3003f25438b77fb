using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// How a filter's exact integer sums become output samples, with OpenCV's rounding. This is part
/// of the specification: the scalar reference and every engine path call it.
/// </summary>
internal abstract class SumConversion
{
    public abstract PixelDepth Depth { get; }

    /// <summary>One sample from one sum, written at <paramref name="index"/> of <paramref name="row"/>.</summary>
    public abstract void ConvertOne(long sum, Span<byte> row, int index);

    /// <summary>A row of sums into a row of output samples (a loop over <see cref="ConvertOne"/> by default).</summary>
    public virtual void Convert(ReadOnlySpan<int> sums, Span<byte> row)
    {
        for (int i = 0; i < sums.Length; i++) ConvertOne(sums[i], row, i);
    }
}

/// <summary>
/// OpenCV's 8-bit Gaussian: sums carry 16 fraction bits (8 from each pass's taps), rounded half
/// up: <c>(s + 2^15) >> 16</c>.
/// </summary>
internal sealed class GaussianRounding : SumConversion
{
    public static readonly GaussianRounding Instance = new();
    public override PixelDepth Depth => PixelDepth.U8;
    public override void ConvertOne(long sum, Span<byte> row, int index)
        => row[index] = (byte)Math.Clamp((sum + (1 << 15)) >> 16, 0, 255);
}

/// <summary>
/// OpenCV's normalised 8-bit box filter for kernels of at most 256 pixels, whose sums fit 16 bits:
/// division by the area as a multiply by a 23-bit reciprocal, <c>(s + δ)·m >> 23</c>, with OpenCV's
/// choice of m and δ (this rounds halves up, where a plain rint would round them to even).
/// </summary>
internal sealed class BoxDivision : SumConversion
{
    public const int Shift = 23;
    private readonly long _multiplier;
    private readonly long _bias;

    public BoxDivision(int area)
    {
        if (area is < 2 or > 256) throw new ArgumentOutOfRangeException(nameof(area), "box division needs an area of 2..256");
        Area = area;
        double exact = (double)(1 << Shift) / area;
        long m = (long)Math.Floor(exact);
        long bias = area / 2;
        if (exact - m < 0.5) bias++;
        else m++;
        _multiplier = m;
        _bias = bias;
    }

    public int Area { get; }
    /// <summary>m in <c>(s + δ)·m >> 23</c>.</summary>
    public uint Multiplier => (uint)_multiplier;
    /// <summary>δ in <c>(s + δ)·m >> 23</c>.</summary>
    public ushort Bias => (ushort)_bias;
    public override PixelDepth Depth => PixelDepth.U8;
    public override void ConvertOne(long sum, Span<byte> row, int index)
        => row[index] = (byte)Math.Clamp((sum + _bias) * _multiplier >> Shift, 0, 255);
}

/// <summary>
/// <c>sum·scale + delta</c> evaluated in single precision as OpenCV's float paths do, then rounded
/// half to even and saturated for u8/s16, or stored as is for f32. With scale 1 and an integer
/// delta this is exact: <c>saturate(sum + delta)</c>.
/// </summary>
internal sealed class ScaledConversion : SumConversion
{
    private readonly float _scale;
    private readonly float _delta;

    public ScaledConversion(PixelDepth depth, double scale, double delta)
    {
        Depth = depth;
        Scale = scale;
        Delta = delta;
        _scale = (float)scale;
        _delta = (float)delta;
    }

    public override PixelDepth Depth { get; }
    public double Scale { get; }
    public double Delta { get; }
    /// <summary>True when the output is exactly <c>saturate(sum + delta)</c> with an integer delta.</summary>
    public bool IsIntegerShift => Scale == 1 && Delta == Math.Round(Delta) && Math.Abs(Delta) < 1 << 20;

    /// <summary>The same rule as <see cref="ConvertOne"/>, one loop per depth (no per-sample dispatch).</summary>
    public override void Convert(ReadOnlySpan<int> sums, Span<byte> row)
    {
        float scale = _scale, delta = _delta;
        bool unit = scale == 1;
        switch (Depth)
        {
            case PixelDepth.U8:
                for (int i = 0; i < sums.Length; i++)
                {
                    float v = unit ? sums[i] + delta : sums[i] * scale + delta;
                    row[i] = (byte)Math.Clamp(MathF.Round(v), 0f, 255f);
                }
                break;
            case PixelDepth.S16:
                var s16 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(row);
                for (int i = 0; i < sums.Length; i++)
                {
                    float v = unit ? sums[i] + delta : sums[i] * scale + delta;
                    s16[i] = (short)Math.Clamp(MathF.Round(v), -32768f, 32767f);
                }
                break;
            default:
                var f32 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(row);
                for (int i = 0; i < sums.Length; i++)
                    f32[i] = unit ? sums[i] + delta : sums[i] * scale + delta;
                break;
        }
    }

    public override void ConvertOne(long sum, Span<byte> row, int index)
    {
        float v = _scale == 1 ? (float)sum + _delta : (float)sum * _scale + _delta;
        switch (Depth)
        {
            case PixelDepth.U8:
                row[index] = (byte)Math.Clamp(MathF.Round(v), 0f, 255f);
                break;
            case PixelDepth.S16:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(row)[index] = (short)Math.Clamp(MathF.Round(v), -32768f, 32767f);
                break;
            default:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(row)[index] = v;
                break;
        }
    }
}
