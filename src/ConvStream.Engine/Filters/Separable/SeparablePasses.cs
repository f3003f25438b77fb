using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// The hot loops of the separable engine, written once over <see cref="ILanes16{TSelf}"/>. Rows
/// shorter than a vector run through the one-lane instantiation; longer rows end with one
/// overlapping vector instead of a scalar tail (every output is a pure function of the inputs,
/// so computing a few twice is harmless). None of them sees a border: the engine has already
/// padded the row or mapped the ring rows.
/// </summary>
internal static class SeparablePasses
{
    /// <summary>dst[i] = Σ taps over padded bytes, 16-bit wrapping (exact when the true sum fits 16 bits).</summary>
    public static void Row<V>(ref byte padded, ref ushort dst, int length, Tap[] taps) where V : struct, ILanes16<V>
    {
        int n = V.Count;
        if (length < n)
        {
            if (typeof(V) != typeof(Lanes1)) Row<Lanes1>(ref padded, ref dst, length, taps);
            return;
        }
        if (taps.Length is >= 1 and <= HoistedTaps)
        {
            RowHoisted<V>(ref padded, ref dst, length, taps);
            return;
        }
        for (int i = 0; ; i += n)
        {
            if (i > length - n) i = length - n;
            V acc = V.Splat(0);
            ref byte p = ref Unsafe.Add(ref padded, i);
            foreach (var t in taps)
            {
                V a = V.LoadBytes(ref Unsafe.Add(ref p, t.A));
                if (t.Kind == TapKind.Sum) a = V.Add(a, V.LoadBytes(ref Unsafe.Add(ref p, t.B)));
                else if (t.Kind == TapKind.Difference) a = V.Subtract(a, V.LoadBytes(ref Unsafe.Add(ref p, t.B)));
                acc = Accumulate(acc, a, t.Coefficient);
            }
            V.Store(acc, ref Unsafe.Add(ref dst, i));
            if (i == length - n) break;
        }
    }

    /// <summary>dst[i] = bias + Σ taps over ring rows, 16-bit wrapping.</summary>
    public static void Column<V>(ref ushort ring, ref ushort dst, int length, Tap[] taps, ushort bias) where V : struct, ILanes16<V>
    {
        int n = V.Count;
        if (length < n)
        {
            if (typeof(V) != typeof(Lanes1)) Column<Lanes1>(ref ring, ref dst, length, taps, bias);
            return;
        }
        if (taps.Length is >= 1 and <= HoistedTaps)
        {
            ColumnHoisted<V>(ref ring, ref dst, length, taps, bias);
            return;
        }
        V b = V.Splat(bias);
        for (int i = 0; ; i += n)
        {
            if (i > length - n) i = length - n;
            V acc = b;
            ref ushort p = ref Unsafe.Add(ref ring, i);
            foreach (var t in taps)
            {
                V a = V.Load(ref Unsafe.Add(ref p, t.A));
                if (t.Kind == TapKind.Sum) a = V.Add(a, V.Load(ref Unsafe.Add(ref p, t.B)));
                else if (t.Kind == TapKind.Difference) a = V.Subtract(a, V.Load(ref Unsafe.Add(ref p, t.B)));
                acc = Accumulate(acc, a, t.Coefficient);
            }
            V.Store(acc, ref Unsafe.Add(ref dst, i));
            if (i == length - n) break;
        }
    }

    /// <summary>
    /// The 8-bit Gaussian's column pass and rounding in 16-bit lanes. The exact sum
    /// <c>V = Σ k·h</c> (h ≤ 65280, Σk = 256) needs 24 bits, so each h is split into its high and
    /// low bytes: <c>V = 256·A + B</c> with <c>A = Σ k·(h >> 8)</c> and <c>B = Σ k·(h &amp; 255)</c>,
    /// both ≤ 65280. Then <c>(V + 2^15) >> 16 = (A + (B >> 8) + 128) >> 8</c> exactly, because
    /// the low byte of B cannot carry into bit 16.
    /// </summary>
    public static void GaussianColumn<V>(ref ushort ring, ref byte dst, int length, Tap[] taps) where V : struct, ILanes16<V>
    {
        int n = V.Count;
        if (length < n)
        {
            if (typeof(V) != typeof(Lanes1)) GaussianColumn<Lanes1>(ref ring, ref dst, length, taps);
            return;
        }
        if (taps.Length is >= 1 and <= HoistedTaps)
        {
            GaussianColumnHoisted<V>(ref ring, ref dst, length, taps);
            return;
        }
        V mask = V.Splat(255), half = V.Splat(128);
        for (int i = 0; ; i += n)
        {
            if (i > length - n) i = length - n;
            V high = V.Splat(0), low = V.Splat(0);
            ref ushort p = ref Unsafe.Add(ref ring, i);
            foreach (var t in taps)
            {
                V a = V.Load(ref Unsafe.Add(ref p, t.A));
                V h = V.ShiftRight(a, 8), l = V.And(a, mask);
                if (t.Kind == TapKind.Sum)
                {
                    V b = V.Load(ref Unsafe.Add(ref p, t.B));
                    h = V.Add(h, V.ShiftRight(b, 8));
                    l = V.Add(l, V.And(b, mask));
                }
                V c = V.Splat((ushort)t.Coefficient);
                high = V.Add(high, V.Multiply(h, c));
                low = V.Add(low, V.Multiply(l, c));
            }
            V result = V.ShiftRight(V.Add(V.Add(high, V.ShiftRight(low, 8)), half), 8);
            V.StoreLowBytes(result, ref Unsafe.Add(ref dst, i));
            if (i == length - n) break;
        }
    }

    /// <summary>dst[i] = (sums[i]·m) >> shift as bytes (OpenCV's reciprocal division of box sums; results ≤ 255).</summary>
    public static void DivideToBytes<V>(ref ushort sums, ref byte dst, int length, uint multiplier, [ConstantExpected] int shift) where V : struct, ILanes16<V>
    {
        int n = V.Count;
        if (length < n)
        {
            if (typeof(V) != typeof(Lanes1)) DivideToBytes<Lanes1>(ref sums, ref dst, length, multiplier, shift);
            return;
        }
        for (int i = 0; ; i += n)
        {
            if (i > length - n) i = length - n;
            V.StoreLowBytes(V.MultiplyShift(V.Load(ref Unsafe.Add(ref sums, i)), multiplier, shift), ref Unsafe.Add(ref dst, i));
            if (i == length - n) break;
        }
    }

    /// <summary>acc[i] += Σ taps over ring rows in 32 bits, reading the rows as signed or unsigned 16-bit.</summary>
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
    /// Up to this many (folded) taps, the loops below keep every tap's offsets and coefficient
    /// vector in locals instead of re-reading the tap array for each vector: 5 covers symmetric
    /// kernels up to 9 taps (Gaussian 9×9, Sobel 7×7). Measured (SeparableFilterBenchmarks'
    /// loop, 1080p BGR Gaussian 5×5, one thread, best run on the shared Zen 5): 2.0 → 1.3 ms.
    /// </summary>
    private const int HoistedTaps = 5;

    private static void RowHoisted<V>(ref byte padded, ref ushort dst, int length, Tap[] taps) where V : struct, ILanes16<V>
    {
        int n = V.Count, count = taps.Length;
        Tap t0 = taps[0], t1 = count > 1 ? taps[1] : default, t2 = count > 2 ? taps[2] : default,
            t3 = count > 3 ? taps[3] : default, t4 = count > 4 ? taps[4] : default;
        V c0 = V.Splat((ushort)t0.Coefficient), c1 = V.Splat((ushort)t1.Coefficient), c2 = V.Splat((ushort)t2.Coefficient),
          c3 = V.Splat((ushort)t3.Coefficient), c4 = V.Splat((ushort)t4.Coefficient);
        for (int i = 0; ; i += n)
        {
            if (i > length - n) i = length - n;
            ref byte p = ref Unsafe.Add(ref padded, i);
            V acc = Scale(TermBytes<V>(ref p, t0), c0, t0.Coefficient);
            if (count > 1) acc = Accumulate(acc, TermBytes<V>(ref p, t1), c1, t1.Coefficient);
            if (count > 2) acc = Accumulate(acc, TermBytes<V>(ref p, t2), c2, t2.Coefficient);
            if (count > 3) acc = Accumulate(acc, TermBytes<V>(ref p, t3), c3, t3.Coefficient);
            if (count > 4) acc = Accumulate(acc, TermBytes<V>(ref p, t4), c4, t4.Coefficient);
            V.Store(acc, ref Unsafe.Add(ref dst, i));
            if (i == length - n) break;
        }
    }

    private static void ColumnHoisted<V>(ref ushort ring, ref ushort dst, int length, Tap[] taps, ushort bias) where V : struct, ILanes16<V>
    {
        int n = V.Count, count = taps.Length;
        Tap t0 = taps[0], t1 = count > 1 ? taps[1] : default, t2 = count > 2 ? taps[2] : default,
            t3 = count > 3 ? taps[3] : default, t4 = count > 4 ? taps[4] : default;
        V c0 = V.Splat((ushort)t0.Coefficient), c1 = V.Splat((ushort)t1.Coefficient), c2 = V.Splat((ushort)t2.Coefficient),
          c3 = V.Splat((ushort)t3.Coefficient), c4 = V.Splat((ushort)t4.Coefficient);
        V b = V.Splat(bias);
        for (int i = 0; ; i += n)
        {
            if (i > length - n) i = length - n;
            ref ushort p = ref Unsafe.Add(ref ring, i);
            V acc = Accumulate(b, TermWords<V>(ref p, t0), c0, t0.Coefficient);
            if (count > 1) acc = Accumulate(acc, TermWords<V>(ref p, t1), c1, t1.Coefficient);
            if (count > 2) acc = Accumulate(acc, TermWords<V>(ref p, t2), c2, t2.Coefficient);
            if (count > 3) acc = Accumulate(acc, TermWords<V>(ref p, t3), c3, t3.Coefficient);
            if (count > 4) acc = Accumulate(acc, TermWords<V>(ref p, t4), c4, t4.Coefficient);
            V.Store(acc, ref Unsafe.Add(ref dst, i));
            if (i == length - n) break;
        }
    }

    private static void GaussianColumnHoisted<V>(ref ushort ring, ref byte dst, int length, Tap[] taps) where V : struct, ILanes16<V>
    {
        int n = V.Count, count = taps.Length;
        Tap t0 = taps[0], t1 = count > 1 ? taps[1] : default, t2 = count > 2 ? taps[2] : default,
            t3 = count > 3 ? taps[3] : default, t4 = count > 4 ? taps[4] : default;
        V c0 = V.Splat((ushort)t0.Coefficient), c1 = V.Splat((ushort)t1.Coefficient), c2 = V.Splat((ushort)t2.Coefficient),
          c3 = V.Splat((ushort)t3.Coefficient), c4 = V.Splat((ushort)t4.Coefficient);
        V mask = V.Splat(255), half = V.Splat(128);
        for (int i = 0; ; i += n)
        {
            if (i > length - n) i = length - n;
            ref ushort p = ref Unsafe.Add(ref ring, i);
            V high = V.Splat(0), low = V.Splat(0);
            SplitAccumulate(ref p, t0, c0, mask, ref high, ref low);
            if (count > 1) SplitAccumulate(ref p, t1, c1, mask, ref high, ref low);
            if (count > 2) SplitAccumulate(ref p, t2, c2, mask, ref high, ref low);
            if (count > 3) SplitAccumulate(ref p, t3, c3, mask, ref high, ref low);
            if (count > 4) SplitAccumulate(ref p, t4, c4, mask, ref high, ref low);
            V result = V.ShiftRight(V.Add(V.Add(high, V.ShiftRight(low, 8)), half), 8);
            V.StoreLowBytes(result, ref Unsafe.Add(ref dst, i));
            if (i == length - n) break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SplitAccumulate<V>(ref ushort p, Tap t, V c, V mask, ref V high, ref V low) where V : struct, ILanes16<V>
    {
        V a = V.Load(ref Unsafe.Add(ref p, t.A));
        V h = V.ShiftRight(a, 8), l = V.And(a, mask);
        if (t.Kind == TapKind.Sum)
        {
            V b = V.Load(ref Unsafe.Add(ref p, t.B));
            h = V.Add(h, V.ShiftRight(b, 8));
            l = V.Add(l, V.And(b, mask));
        }
        high = V.Add(high, V.Multiply(h, c));
        low = V.Add(low, V.Multiply(l, c));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V TermBytes<V>(ref byte p, Tap t) where V : struct, ILanes16<V>
    {
        V a = V.LoadBytes(ref Unsafe.Add(ref p, t.A));
        if (t.Kind == TapKind.Sum) return V.Add(a, V.LoadBytes(ref Unsafe.Add(ref p, t.B)));
        if (t.Kind == TapKind.Difference) return V.Subtract(a, V.LoadBytes(ref Unsafe.Add(ref p, t.B)));
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V TermWords<V>(ref ushort p, Tap t) where V : struct, ILanes16<V>
    {
        V a = V.Load(ref Unsafe.Add(ref p, t.A));
        if (t.Kind == TapKind.Sum) return V.Add(a, V.Load(ref Unsafe.Add(ref p, t.B)));
        if (t.Kind == TapKind.Difference) return V.Subtract(a, V.Load(ref Unsafe.Add(ref p, t.B)));
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Scale<V>(V a, V c, int coefficient) where V : struct, ILanes16<V>
        => coefficient == 1 ? a : coefficient == -1 ? V.Subtract(V.Splat(0), a) : V.Multiply(a, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Accumulate<V>(V acc, V a, V c, int coefficient) where V : struct, ILanes16<V>
        => coefficient == 1 ? V.Add(acc, a) : coefficient == -1 ? V.Subtract(acc, a) : V.Add(acc, V.Multiply(a, c));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Accumulate<V>(V acc, V a, int coefficient) where V : struct, ILanes16<V>
        => coefficient == 1 ? V.Add(acc, a)
         : coefficient == -1 ? V.Subtract(acc, a)
         : V.Add(acc, V.Multiply(a, V.Splat((ushort)coefficient)));
}
