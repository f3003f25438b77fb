using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using ConvStream.Engine.Simd;
using SimdConfig = ConvStream.Engine.Simd.Simd;

namespace ConvStream.Media.Images.Png;

/// <summary>
/// PNG's five scanline filters (None, Sub, Up, Average, Paeth). Each predicts a byte from the byte
/// one pixel to the left (a), the byte above (b) and the one above-left (c); the file stores the
/// difference mod 256. "One pixel" is <c>bpp</c> bytes (at least 1 for sub-byte depths). The first
/// row's "above" is all zeros.
/// </summary>
internal static class PngRowFilter
{
    public const int None = 0, Sub = 1, Up = 2, Average = 3, Paeth = 4;

    /// <summary>
    /// Writes filter <paramref name="type"/> of <paramref name="raw"/> into <paramref name="filtered"/>
    /// (same length) and returns the sum of the filtered bytes read as signed: the usual "minimum sum
    /// of absolute differences" score by which libpng picks a filter per row. Runs at
    /// <see cref="SimdConfig.Level"/>; the encoder tries all five filters on every row, so this is its hot loop.
    /// </summary>
    public static long Filter(int type, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, int bpp, Span<byte> filtered)
    {
        if (prior.Length < raw.Length || filtered.Length < raw.Length)
            throw new ArgumentException("prior and filtered rows must be as long as the raw row");
        return SimdConfig.Level switch
        {
            SimdLevel.V512 => PngFilterV512.Filter(type, raw, prior, bpp, filtered),
            SimdLevel.V256 => PngFilterV256.Filter(type, raw, prior, bpp, filtered),
            SimdLevel.V128 => PngFilterV128.Filter(type, raw, prior, bpp, filtered),
            _ => FilterScalar(type, raw, prior, bpp, filtered),
        };
    }

    /// <summary>The specification of <see cref="Filter"/>: one byte at a time.</summary>
    public static long FilterScalar(int type, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, int bpp, Span<byte> filtered)
        => FilterScalarFrom(type, raw, prior, bpp, filtered, 0);

    /// <summary><see cref="FilterScalar"/> from byte <paramref name="start"/> on (the vector paths' tails).</summary>
    internal static long FilterScalarFrom(int type, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, int bpp, Span<byte> filtered, int start)
    {
        int n = raw.Length;
        long score = 0;
        // One loop per filter (not a switch per byte).
        switch (type)
        {
            case Sub:
                for (int i = start; i < n; i++) score += Store(filtered, i, raw[i] - (i >= bpp ? raw[i - bpp] : 0));
                break;
            case Up:
                for (int i = start; i < n; i++) score += Store(filtered, i, raw[i] - prior[i]);
                break;
            case Average:
                for (int i = start; i < n; i++) score += Store(filtered, i, raw[i] - (((i >= bpp ? raw[i - bpp] : 0) + prior[i]) >> 1));
                break;
            case Paeth:
                for (int i = start; i < n; i++)
                    score += Store(filtered, i, raw[i] - (i >= bpp ? Predict(raw[i - bpp], prior[i], prior[i - bpp]) : prior[i]));
                break;
            default:
                for (int i = start; i < n; i++) score += Store(filtered, i, raw[i]);
                break;
        }
        return score;
    }

    private static int Store(Span<byte> filtered, int i, int difference)
    {
        byte d = (byte)difference;
        filtered[i] = d;
        return Math.Abs((int)(sbyte)d);
    }

    /// <summary>The Paeth predictor: whichever of a, b, c is closest to a + b − c (ties: a, then b).</summary>
    public static byte Predict(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return (byte)a;
        return pb <= pc ? (byte)b : (byte)c;
    }
}
