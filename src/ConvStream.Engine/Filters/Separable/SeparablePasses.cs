using System.Runtime.CompilerServices;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// The hot loops of the separable engine, each an <see cref="IByteRowLoop"/> over the 16-bit words
/// of <see cref="IByteOps{TVec}"/> (ring rows are words; lanes per vector = bytes / 2), run along
/// the row by <see cref="ByteLadder"/> (width choice and tails written there once). Each kernel's
/// <c>Scalar</c> is its specification in plain integer code, and runs the tails. None of them sees
/// a border: the engine has already padded the row or mapped the ring rows. Arithmetic wraps
/// modulo 2^16, exact whenever the true sum fits 16 bits, which the engine checks per kernel. The
/// tap passes write their own loops: their steps (up to five hoisted taps, each with its kind and
/// coefficient) are too large for the ladder's.
/// </summary>
internal static unsafe class SeparablePasses
{
    /// <summary>dst[i] = Σ taps over padded bytes (offsets in bytes from <paramref name="padded"/> + i).</summary>
    public static void Row(byte* padded, ushort* dst, int length, Tap[] taps, SimdLevel level)
        => ByteLadder.RunLoop(new RowKernel(padded, dst, new FoldedTaps(taps)), length, level);

    /// <summary>dst[i] = bias + Σ taps over ring rows (offsets in words from <paramref name="ring"/> + i).</summary>
    public static void Column(ushort* ring, ushort* dst, int length, Tap[] taps, ushort bias, SimdLevel level)
        => ByteLadder.RunLoop(new ColumnKernel(ring, dst, new FoldedTaps(taps), bias), length, level);

    /// <summary>
    /// The 8-bit Gaussian's column pass and rounding in 16-bit lanes. The exact sum
    /// <c>V = Σ k·h</c> (h ≤ 65280, Σk = 256) needs 24 bits, so each h is split into its high and
    /// low bytes: <c>V = 256·A + B</c> with <c>A = Σ k·(h >> 8)</c> and <c>B = Σ k·(h &amp; 255)</c>,
    /// both ≤ 65280. Then <c>(V + 2^15) >> 16 = (A + (B >> 8) + 128) >> 8</c> exactly, because
    /// the low byte of B cannot carry into bit 16.
    /// </summary>
    public static void GaussianColumn(ushort* ring, byte* dst, int length, Tap[] taps, SimdLevel level)
        => ByteLadder.RunLoop(new GaussianColumnKernel(ring, dst, new FoldedTaps(taps)), length, level);

    /// <summary>
    /// One output row of an 8-bit box average from a running column sum (OpenCV's
    /// <c>ColumnSum&lt;ushort, uchar&gt;</c>): with <c>s = sum[i] + newest[i]</c>, dst[i] is
    /// <c>(s + δ)·m >> 23</c> (<see cref="BoxDivision"/>'s reciprocal division) and sum[i] becomes
    /// <c>s − oldest[i]</c>, the next row's running sum. All in 16-bit words: every true sum is at
    /// most 65280, and the division is exact in words too. With m = m_hi·2^16 + m_lo,
    /// <c>(x·m) >> 16 = x·m_hi + ((x·m_lo) >> 16)</c> exactly; it is below 2^16 because the quotient
    /// <c>(x·m) >> 23</c> is at most 256, so the wrapping low product and the high product
    /// (<c>pmulhuw</c>) add to it exactly, and 7 more bits of shift finish the division.
    /// </summary>
    public static void BoxColumn(ushort* newest, ushort* oldest, ushort* sum, byte* dst, int length, BoxDivision division, SimdLevel level)
        => ByteLadder.RunLoop(new BoxColumnKernel(newest, oldest, sum, dst, division), length, level);

    /// <summary>acc[i] = Σ taps over ring rows in 32 bits, reading the rows as signed or unsigned 16-bit.</summary>
    public static void ColumnWide(ReadOnlySpan<ushort> ring, Span<int> acc, int length, Tap[] taps, bool unsignedRows)
    {
        acc[..length].Clear();
        foreach (var t in taps)
        {
            var a = ring.Slice(t.A, length);
            int c = t.Coefficient;
            if (t.Kind == TapKind.Single)
            {
                if (unsignedRows) for (int i = 0; i < length; i++) acc[i] += c * a[i];
                else for (int i = 0; i < length; i++) acc[i] += c * (short)a[i];
            }
            else
            {
                var b = ring.Slice(t.B, length);
                int sign = t.Kind == TapKind.Sum ? 1 : -1;
                if (unsignedRows) for (int i = 0; i < length; i++) acc[i] += c * (a[i] + sign * b[i]);
                else for (int i = 0; i < length; i++) acc[i] += c * ((short)a[i] + sign * (short)b[i]);
            }
        }
    }

    /// <summary>
    /// A pass's folded taps, the first <see cref="Hoisted"/> of them as fields, which each loop
    /// below copies into locals (offsets, and coefficients as vectors) instead of reading the tap
    /// array again for every vector. 5 covers symmetric kernels up to 9 taps (Gaussian 9×9, Sobel
    /// 7×7). Measured before the port (SeparableFilterBenchmarks' loop, 1080p BGR Gaussian 5×5, one
    /// thread, best run on the shared Zen 5): 2.0 → 1.3 ms.
    /// </summary>
    private readonly struct FoldedTaps
    {
        public const int Hoisted = 5;
        public readonly Tap[] All;
        public readonly int Count;
        public readonly Tap T0, T1, T2, T3, T4;

        public FoldedTaps(Tap[] taps)
        {
            All = taps;
            Count = taps.Length;
            T0 = Count > 0 ? taps[0] : default;
            T1 = Count > 1 ? taps[1] : default;
            T2 = Count > 2 ? taps[2] : default;
            T3 = Count > 3 ? taps[3] : default;
            T4 = Count > 4 ? taps[4] : default;
        }

        public bool AreHoisted => Count <= Hoisted;
    }

    // Each loop copies its fields into locals first: `this` is a reference to the caller's struct,
    // and the JIT reloads fields through it after every store.

    private readonly struct RowKernel(byte* padded, ushort* dst, FoldedTaps taps) : IByteRowLoop
    {
        public int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count / 2;

        public void Scalar(int x, int n)
        {
            for (int i = x; i < n; i++)
            {
                int acc = 0;
                foreach (var t in taps.All) acc += ScalarTerm(padded[i + t.A], padded[i + t.B], t);
                dst[i] = (ushort)acc;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining | Hot)]
        public int Steps<TVec, TOps>(int x, int n) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            byte* src = padded;
            ushort* d = dst;
            var all = taps;
            int w = TOps.Count / 2, count = all.Count;
            if (!all.AreHoisted)
            {
                for (; x + w <= n; x += w)
                {
                    TVec acc = TOps.BroadcastWord(0);
                    foreach (var t in all.All) acc = Accumulate<TVec, TOps>(acc, Term<TVec, TOps>(src + x, t), TOps.BroadcastWord((short)t.Coefficient), t.Coefficient);
                    StoreWords<TVec, TOps>(d + x, acc);
                }
                return x;
            }
            Tap t0 = all.T0, t1 = all.T1, t2 = all.T2, t3 = all.T3, t4 = all.T4;
            TVec c0 = TOps.BroadcastWord((short)t0.Coefficient), c1 = TOps.BroadcastWord((short)t1.Coefficient), c2 = TOps.BroadcastWord((short)t2.Coefficient),
                 c3 = TOps.BroadcastWord((short)t3.Coefficient), c4 = TOps.BroadcastWord((short)t4.Coefficient);
            for (; x + w <= n; x += w)
            {
                byte* p = src + x;
                TVec acc = Scale<TVec, TOps>(Term<TVec, TOps>(p, t0), c0, t0.Coefficient);
                if (count > 1) acc = Accumulate<TVec, TOps>(acc, Term<TVec, TOps>(p, t1), c1, t1.Coefficient);
                if (count > 2) acc = Accumulate<TVec, TOps>(acc, Term<TVec, TOps>(p, t2), c2, t2.Coefficient);
                if (count > 3) acc = Accumulate<TVec, TOps>(acc, Term<TVec, TOps>(p, t3), c3, t3.Coefficient);
                if (count > 4) acc = Accumulate<TVec, TOps>(acc, Term<TVec, TOps>(p, t4), c4, t4.Coefficient);
                StoreWords<TVec, TOps>(d + x, acc);
            }
            return x;
        }
    }

    private readonly struct ColumnKernel(ushort* ring, ushort* dst, FoldedTaps taps, ushort bias) : IByteRowLoop
    {
        public int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count / 2;

        public void Scalar(int x, int n)
        {
            for (int i = x; i < n; i++)
            {
                int acc = bias;
                foreach (var t in taps.All) acc += ScalarTerm(ring[i + t.A], ring[i + t.B], t);
                dst[i] = (ushort)acc;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining | Hot)]
        public int Steps<TVec, TOps>(int x, int n) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            ushort* src = ring, d = dst;
            var all = taps;
            TVec b = TOps.BroadcastWord((short)bias);
            int w = TOps.Count / 2, count = all.Count;
            if (!all.AreHoisted)
            {
                for (; x + w <= n; x += w)
                {
                    TVec acc = b;
                    foreach (var t in all.All) acc = Accumulate<TVec, TOps>(acc, Term<TVec, TOps>(src + x, t), TOps.BroadcastWord((short)t.Coefficient), t.Coefficient);
                    StoreWords<TVec, TOps>(d + x, acc);
                }
                return x;
            }
            Tap t0 = all.T0, t1 = all.T1, t2 = all.T2, t3 = all.T3, t4 = all.T4;
            TVec c0 = TOps.BroadcastWord((short)t0.Coefficient), c1 = TOps.BroadcastWord((short)t1.Coefficient), c2 = TOps.BroadcastWord((short)t2.Coefficient),
                 c3 = TOps.BroadcastWord((short)t3.Coefficient), c4 = TOps.BroadcastWord((short)t4.Coefficient);
            for (; x + w <= n; x += w)
            {
                ushort* p = src + x;
                TVec acc = Accumulate<TVec, TOps>(b, Term<TVec, TOps>(p, t0), c0, t0.Coefficient);
                if (count > 1) acc = Accumulate<TVec, TOps>(acc, Term<TVec, TOps>(p, t1), c1, t1.Coefficient);
                if (count > 2) acc = Accumulate<TVec, TOps>(acc, Term<TVec, TOps>(p, t2), c2, t2.Coefficient);
                if (count > 3) acc = Accumulate<TVec, TOps>(acc, Term<TVec, TOps>(p, t3), c3, t3.Coefficient);
                if (count > 4) acc = Accumulate<TVec, TOps>(acc, Term<TVec, TOps>(p, t4), c4, t4.Coefficient);
                StoreWords<TVec, TOps>(d + x, acc);
            }
            return x;
        }
    }

    private readonly struct GaussianColumnKernel(ushort* ring, byte* dst, FoldedTaps taps) : IByteRowLoop
    {
        public int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count / 2;

        public void Scalar(int x, int n)
        {
            for (int i = x; i < n; i++)
            {
                int high = 0, low = 0;
                foreach (var t in taps.All)
                {
                    int a = ring[i + t.A], b = t.Kind == TapKind.Sum ? ring[i + t.B] : 0;
                    high += t.Coefficient * ((a >> 8) + (b >> 8));
                    low += t.Coefficient * ((a & 255) + (b & 255));
                }
                dst[i] = (byte)((high + (low >> 8) + 128) >> 8);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining | Hot)]
        public int Steps<TVec, TOps>(int x, int n) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            ushort* src = ring;
            byte* d = dst;
            var all = taps;
            TVec mask = TOps.BroadcastWord(255), half = TOps.BroadcastWord(128), zero = TOps.BroadcastWord(0);
            int w = TOps.Count / 2, count = all.Count;
            if (!all.AreHoisted)
            {
                for (; x + w <= n; x += w)
                {
                    TVec high = zero, low = zero;
                    foreach (var t in all.All) SplitAccumulate<TVec, TOps>(src + x, t, TOps.BroadcastWord((short)t.Coefficient), mask, ref high, ref low);
                    TOps.StoreNarrowedWords(d + x, Round<TVec, TOps>(high, low, half));
                }
                return x;
            }
            Tap t0 = all.T0, t1 = all.T1, t2 = all.T2, t3 = all.T3, t4 = all.T4;
            TVec c0 = TOps.BroadcastWord((short)t0.Coefficient), c1 = TOps.BroadcastWord((short)t1.Coefficient), c2 = TOps.BroadcastWord((short)t2.Coefficient),
                 c3 = TOps.BroadcastWord((short)t3.Coefficient), c4 = TOps.BroadcastWord((short)t4.Coefficient);
            for (; x + w <= n; x += w)
            {
                ushort* p = src + x;
                TVec high = zero, low = zero;
                SplitAccumulate<TVec, TOps>(p, t0, c0, mask, ref high, ref low);
                if (count > 1) SplitAccumulate<TVec, TOps>(p, t1, c1, mask, ref high, ref low);
                if (count > 2) SplitAccumulate<TVec, TOps>(p, t2, c2, mask, ref high, ref low);
                if (count > 3) SplitAccumulate<TVec, TOps>(p, t3, c3, mask, ref high, ref low);
                if (count > 4) SplitAccumulate<TVec, TOps>(p, t4, c4, mask, ref high, ref low);
                TOps.StoreNarrowedWords(d + x, Round<TVec, TOps>(high, low, half));
            }
            return x;
        }

        /// <summary>(256·high + low + 2^15) >> 16, as (high + (low >> 8) + 128) >> 8.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TVec Round<TVec, TOps>(TVec high, TVec low, TVec half) where TVec : unmanaged where TOps : IByteOps<TVec>
            => TOps.ShiftRightWords(TOps.AddWords(TOps.AddWords(high, TOps.ShiftRightWords(low, 8)), half), 8);

        /// <summary>Adds k·(h >> 8) to high and k·(h &amp; 255) to low for the tap's ring row h (or mirrored pair).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void SplitAccumulate<TVec, TOps>(ushort* p, Tap t, TVec c, TVec mask, ref TVec high, ref TVec low) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            TVec a = LoadWords<TVec, TOps>(p + t.A);
            TVec h = TOps.ShiftRightWords(a, 8), l = TOps.And(a, mask);
            if (t.Kind == TapKind.Sum)
            {
                TVec b = LoadWords<TVec, TOps>(p + t.B);
                h = TOps.AddWords(h, TOps.ShiftRightWords(b, 8));
                l = TOps.AddWords(l, TOps.And(b, mask));
            }
            high = TOps.AddWords(high, TOps.MultiplyWords(h, c));
            low = TOps.AddWords(low, TOps.MultiplyWords(l, c));
        }
    }

    private readonly struct BoxColumnKernel(ushort* newest, ushort* oldest, ushort* sum, byte* dst, BoxDivision division) : IByteRowLoop
    {
        private readonly ushort _bias = division.Bias, _low = (ushort)division.Multiplier, _high = (ushort)(division.Multiplier >> 16);
        public int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count / 2;

        public void Scalar(int x, int n)
        {
            long bias = _bias, multiplier = _low | (long)_high << 16;
            for (int i = x; i < n; i++)
            {
                int total = (ushort)(sum[i] + newest[i]);
                dst[i] = (byte)((total + bias) * multiplier >> BoxDivision.Shift);
                sum[i] = (ushort)(total - oldest[i]);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining | Hot)]
        public int Steps<TVec, TOps>(int x, int n) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            ushort* add = newest, drop = oldest, running = sum;
            byte* d = dst;
            TVec bias = TOps.BroadcastWord((short)_bias);
            ushort low = _low, high = _high;
            for (int w = TOps.Count / 2; x + w <= n; x += w)
            {
                TVec s = TOps.AddWords(LoadWords<TVec, TOps>(running + x), LoadWords<TVec, TOps>(add + x));
                TOps.StoreNarrowedWords(d + x, Divide<TVec, TOps>(TOps.AddWords(s, bias), low, high));
                StoreWords<TVec, TOps>(running + x, TOps.SubtractWords(s, LoadWords<TVec, TOps>(drop + x)));
            }
            return x;
        }
    }

    /// <summary><c>(x·m) >> 23</c> for m = <paramref name="high"/>·2^16 + <paramref name="low"/>, when the quotient is below 512 (see <see cref="BoxColumn"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Divide<TVec, TOps>(TVec x, ushort low, ushort high) where TVec : unmanaged where TOps : IByteOps<TVec>
    {
        TVec shifted16 = TOps.AddWords(TOps.MultiplyWords(x, TOps.BroadcastWord((short)high)), TOps.MultiplyHighWords(x, TOps.BroadcastWord((short)low)));
        return TOps.ShiftRightWords(shifted16, BoxDivision.Shift - 16);
    }

    /// <summary>The tap's input: one vector of bytes as words, or the sum or difference of a mirrored pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Term<TVec, TOps>(byte* p, Tap t) where TVec : unmanaged where TOps : IByteOps<TVec>
    {
        TVec a = TOps.LoadBytesAsWords(p + t.A);
        if (t.Kind == TapKind.Sum) return TOps.AddWords(a, TOps.LoadBytesAsWords(p + t.B));
        if (t.Kind == TapKind.Difference) return TOps.SubtractWords(a, TOps.LoadBytesAsWords(p + t.B));
        return a;
    }

    /// <summary>The tap's input: one vector of ring words, or the sum or difference of a mirrored pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Term<TVec, TOps>(ushort* p, Tap t) where TVec : unmanaged where TOps : IByteOps<TVec>
    {
        TVec a = LoadWords<TVec, TOps>(p + t.A);
        if (t.Kind == TapKind.Sum) return TOps.AddWords(a, LoadWords<TVec, TOps>(p + t.B));
        if (t.Kind == TapKind.Difference) return TOps.SubtractWords(a, LoadWords<TVec, TOps>(p + t.B));
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec LoadWords<TVec, TOps>(ushort* p) where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Load((byte*)p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWords<TVec, TOps>(ushort* p, TVec v) where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Store((byte*)p, v);

    /// <summary>The specification of a tap: c·(x[a]), c·(x[a] + x[b]) or c·(x[a] − x[b]), in ints (callers keep the low 16 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ScalarTerm(int a, int b, Tap t)
        => t.Coefficient * (t.Kind == TapKind.Sum ? a + b : t.Kind == TapKind.Difference ? a - b : a);

    /// <summary>c·a, where coefficients ±1 skip the multiply (<paramref name="c"/> is the coefficient as a vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Scale<TVec, TOps>(TVec a, TVec c, int coefficient) where TVec : unmanaged where TOps : IByteOps<TVec>
        => coefficient == 1 ? a : coefficient == -1 ? TOps.SubtractWords(TOps.BroadcastWord(0), a) : TOps.MultiplyWords(a, c);

    /// <summary>acc + c·a, where coefficients ±1 skip the multiply.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Accumulate<TVec, TOps>(TVec acc, TVec a, TVec c, int coefficient) where TVec : unmanaged where TOps : IByteOps<TVec>
        => coefficient == 1 ? TOps.AddWords(acc, a)
         : coefficient == -1 ? TOps.SubtractWords(acc, a)
         : TOps.AddWords(acc, TOps.MultiplyWords(a, c));
}
