using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using ConvStream.Engine.Simd;
using SimdConfig = ConvStream.Engine.Simd.Simd;

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
                UnfilterPaeth(row, prior, bpp);
                return true;
            default:
                return false;
        }
    }

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

    /// <summary>
    /// Paeth decoding is a serial chain (each byte needs the decoded byte one pixel left), so it
    /// cannot be vectorised along the row; it is the decoder's hot loop on libpng's files, which
    /// pick Paeth for most rows of photos. Branch-free selection and no bounds checks here.
    /// </summary>
    private static void UnfilterPaeth(Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        int n = row.Length;
        if (n <= bpp) return;
        _ = prior[n - 1]; // one bounds check for the whole row
        ref byte r = ref MemoryMarshal.GetReference(row);
        ref byte p = ref MemoryMarshal.GetReference(prior);
        for (int i = bpp; i < n; i++)
        {
            int a = Unsafe.Add(ref r, i - bpp), b = Unsafe.Add(ref p, i), c = Unsafe.Add(ref p, i - bpp);
            int pa = Math.Abs(b - c), pb = Math.Abs(a - c), pc = Math.Abs(a + b - 2 * c);
            int predicted = pb <= pc ? b : c;
            predicted = pa <= pb && pa <= pc ? a : predicted;
            Unsafe.Add(ref r, i) += (byte)predicted;
        }
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
        if (SimdConfig.Level != SimdLevel.Scalar && Vector.IsHardwareAccelerated)
        {
            var r = MemoryMarshal.Cast<byte, Vector<byte>>(row);
            var p = MemoryMarshal.Cast<byte, Vector<byte>>(prior[..row.Length]);
            for (int k = 0; k < r.Length; k++) r[k] += p[k];
            i = r.Length * Vector<byte>.Count;
        }
        for (; i < row.Length; i++) row[i] += prior[i];
    }
}
