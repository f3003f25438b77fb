using System.Runtime.CompilerServices;
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
        => Filter(type, raw, prior, bpp, filtered, SimdConfig.Level);

    /// <summary>
    /// <see cref="Filter(int, ReadOnlySpan{byte}, ReadOnlySpan{byte}, int, Span{byte})"/> at
    /// <paramref name="level"/>: one kernel body for every width (<see cref="ByteLadder"/>), the
    /// first pixel (no left neighbour) and the tail by the specification.
    /// </summary>
    public static unsafe long Filter(int type, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, int bpp, Span<byte> filtered, SimdLevel level)
    {
        if (prior.Length < raw.Length || filtered.Length < raw.Length)
            throw new ArgumentException("prior and filtered rows must be as long as the raw row");
        int n = raw.Length, head = Math.Min(bpp, n);
        long score = FilterScalarFrom(type, raw[..head], prior[..head], bpp, filtered[..head], 0);
        fixed (byte* r = raw, p = prior, f = filtered)
            return score + ByteLadder.Sum(new VectorFilter(type, r, p, f, bpp, n, head), n - head, level);
    }

    /// <summary>
    /// The filters from byte <c>head</c> on (x counts from there). Encoding reads only raw bytes, so
    /// every byte is independent: a = raw[i−bpp], b = prior[i], c = prior[i−bpp] are plain shifted
    /// loads. Paeth's distances need 9 bits and are computed in 16-bit lanes; the score is |filtered|
    /// read as signed, widened to words for the ladder's accumulator.
    /// </summary>
    private readonly unsafe struct VectorFilter(int type, byte* raw, byte* prior, byte* filtered, int bpp, int length, int head) : IByteRowSum
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TVec Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            int i = head + x;
            TVec v = TOps.Load(raw + i), b = TOps.Load(prior + i);
            TVec predicted = type switch
            {
                Sub => TOps.Load(raw + i - bpp),
                Up => b,
                Average => AverageFloor<TVec, TOps>(TOps.Load(raw + i - bpp), b),
                Paeth => PredictPaeth<TVec, TOps>(TOps.Load(raw + i - bpp), b, TOps.Load(prior + i - bpp)),
                _ => TOps.Broadcast(0),
            };
            TVec d = TOps.Subtract(v, predicted);
            TOps.Store(filtered + i, d);
            var (lo, hi) = TOps.Widen(TOps.AbsSigned(d));   // |−128| stays 0x80 = 128 as a byte
            return TOps.AddWords(lo, hi);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public long Scalar(int x, int n)
            => FilterScalarFrom(type, new ReadOnlySpan<byte>(raw, length), new ReadOnlySpan<byte>(prior, length), bpp, new Span<byte>(filtered, length), head + x);

        /// <summary>floor((a + b) / 2) without overflow: the common bits plus half the differing ones.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TVec AverageFloor<TVec, TOps>(TVec a, TVec b) where TVec : unmanaged where TOps : IByteOps<TVec>
            => TOps.Add(TOps.And(a, b), TOps.Halve(TOps.Xor(a, b)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TVec PredictPaeth<TVec, TOps>(TVec a, TVec b, TVec c) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            var (aLo, aHi) = TOps.Widen(a);
            var (bLo, bHi) = TOps.Widen(b);
            var (cLo, cHi) = TOps.Widen(c);
            return TOps.NarrowWords(PaethWords<TVec, TOps>(aLo, bLo, cLo), PaethWords<TVec, TOps>(aHi, bHi, cHi));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TVec PaethWords<TVec, TOps>(TVec a, TVec b, TVec c) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            // p = a + b − c, so |p − a| = |b − c|, |p − b| = |a − c|, |p − c| = |(a − c) + (b − c)|.
            TVec ac = TOps.SubtractWords(a, c), bc = TOps.SubtractWords(b, c);
            TVec pa = TOps.AbsWords(bc), pb = TOps.AbsWords(ac), pc = TOps.AbsWords(TOps.AddWords(ac, bc));
            TVec pickA = TOps.And(TOps.LessThanOrEqualWords(pa, pb), TOps.LessThanOrEqualWords(pa, pc));
            return TOps.Select(pickA, a, TOps.Select(TOps.LessThanOrEqualWords(pb, pc), b, c));
        }
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
