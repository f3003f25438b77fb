using System.Numerics;
using System.Runtime.InteropServices;

namespace ConvStream.Engine.Imaging.Codecs;

/// <summary>
/// PNG's five scanline filters (None, Sub, Up, Average, Paeth). Each predicts a byte from the byte
/// one pixel to the left (a), the byte above (b) and the one above-left (c); the file stores the
/// difference mod 256. "One pixel" is <c>bpp</c> bytes (at least 1 for sub-byte depths). The first
/// row's "above" is all zeros.
/// </summary>
public static class PngRowFilter
{
    public const int None = 0, Sub = 1, Up = 2, Average = 3, Paeth = 4;

    /// <summary>Reverses filter <paramref name="type"/> on <paramref name="row"/> in place; false for a type outside 0..4.</summary>
    public static bool Unfilter(int type, Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        int n = row.Length;
        switch (type)
        {
            case None:
                return true;
            case Sub:
                for (int i = bpp; i < n; i++) row[i] += row[i - bpp];
                return true;
            case Up:
                AddInPlace(row, prior);
                return true;
            case Average:
                for (int i = 0; i < bpp && i < n; i++) row[i] += (byte)(prior[i] >> 1);
                for (int i = bpp; i < n; i++) row[i] += (byte)((row[i - bpp] + prior[i]) >> 1);
                return true;
            case Paeth:
                for (int i = 0; i < bpp && i < n; i++) row[i] += prior[i]; // a = c = 0: Paeth picks b
                for (int i = bpp; i < n; i++) row[i] += Predict(row[i - bpp], prior[i], prior[i - bpp]);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Writes filter <paramref name="type"/> of <paramref name="raw"/> into <paramref name="filtered"/>
    /// (same length) and returns the sum of the filtered bytes read as signed: the usual "minimum sum
    /// of absolute differences" score by which libpng picks a filter per row.
    /// </summary>
    public static long Filter(int type, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, int bpp, Span<byte> filtered)
    {
        int n = raw.Length;
        long score = 0;
        // One loop per filter (not a switch per byte): the writer runs all five on every row.
        switch (type)
        {
            case Sub:
                for (int i = 0; i < n; i++) score += Store(filtered, i, raw[i] - (i >= bpp ? raw[i - bpp] : 0));
                break;
            case Up:
                for (int i = 0; i < n; i++) score += Store(filtered, i, raw[i] - prior[i]);
                break;
            case Average:
                for (int i = 0; i < n; i++) score += Store(filtered, i, raw[i] - (((i >= bpp ? raw[i - bpp] : 0) + prior[i]) >> 1));
                break;
            case Paeth:
                for (int i = 0; i < bpp && i < n; i++) score += Store(filtered, i, raw[i] - prior[i]);
                for (int i = bpp; i < n; i++) score += Store(filtered, i, raw[i] - Predict(raw[i - bpp], prior[i], prior[i - bpp]));
                break;
            default:
                for (int i = 0; i < n; i++) score += Store(filtered, i, raw[i]);
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

    private static void AddInPlace(Span<byte> row, ReadOnlySpan<byte> prior)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var r = MemoryMarshal.Cast<byte, Vector<byte>>(row);
            var p = MemoryMarshal.Cast<byte, Vector<byte>>(prior[..row.Length]);
            for (int k = 0; k < r.Length; k++) r[k] += p[k];
            i = r.Length * Vector<byte>.Count;
        }
        for (; i < row.Length; i++) row[i] += prior[i];
    }
}
