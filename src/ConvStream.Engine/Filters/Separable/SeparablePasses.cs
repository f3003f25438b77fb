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

    /// <summary>acc[i] += Σ taps over ring rows in 32 bits, reading the rows as signed or unsigned 16-bit.</summary>
    public static void ColumnWide(ushort[] ring, Span<int> acc, int length, Tap[] taps, bool unsignedRows)
    {
        acc[..length].Clear();
        foreach (var t in taps)
        {
            var a = ring.AsSpan(t.A, length);
            int c = t.Coefficient;
            if (t.Kind == TapKind.Single)
            {
                if (unsignedRows) for (int i = 0; i < length; i++) acc[i] += c * a[i];
                else for (int i = 0; i < length; i++) acc[i] += c * (short)a[i];
            }
            else
            {
                var b = ring.AsSpan(t.B, length);
                int sign = t.Kind == TapKind.Sum ? 1 : -1;
                if (unsignedRows) for (int i = 0; i < length; i++) acc[i] += c * (a[i] + sign * b[i]);
                else for (int i = 0; i < length; i++) acc[i] += c * ((short)a[i] + sign * (short)b[i]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Accumulate<V>(V acc, V a, int coefficient) where V : struct, ILanes16<V>
        => coefficient == 1 ? V.Add(acc, a)
         : coefficient == -1 ? V.Subtract(acc, a)
         : V.Add(acc, V.Multiply(a, V.Splat((ushort)coefficient)));
}
