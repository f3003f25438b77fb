using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConvStream.Engine.Ops.Transposed;

/// <summary>
/// The inner kernel of the transposed convolution: for one input row and a block of up to
/// <see cref="Width"/> taps (output channel, kx), sums the group's input channels in registers,
/// <c>acc[t] = Σ_ci x[ci, iy, ix] · w[ci, t]</c>, then adds each accumulator into its phase row at
/// <c>ix + offset[t]</c>. Every input vector is loaded once per block and feeds one FMA per tap.
/// </summary>
internal static class TransposedTaps
{
    /// <summary>Taps per block: eight accumulators plus the input fit the 16 registers of AVX2.</summary>
    public const int Width = 8;

    /// <param name="x">the input; <paramref name="xRow"/> indexes the row of the group's first channel.</param>
    /// <param name="plane">distance between channels (H·W).</param>
    /// <param name="weights">cinG × 8 packed weights of this block (unused taps are never read).</param>
    /// <param name="rows">the phase rows; tap t adds into <c>rows[offsets[t] + ix]</c>.</param>
    /// <param name="count">taps in use (1..8).</param>
    public static void Run(float[] x, int xRow, int plane, int cinG, int width, ReadOnlySpan<float> weights,
        Span<float> rows, ReadOnlySpan<int> offsets, int count, Simd.SimdLevel level)
    {
        // One instantiation per tap count, so a block of six taps runs six FMAs per channel, not eight.
        switch (count)
        {
            case 1: Run<Taps1>(x, xRow, plane, cinG, width, weights, rows, offsets, level); break;
            case 2: Run<Taps2>(x, xRow, plane, cinG, width, weights, rows, offsets, level); break;
            case 3: Run<Taps3>(x, xRow, plane, cinG, width, weights, rows, offsets, level); break;
            case 4: Run<Taps4>(x, xRow, plane, cinG, width, weights, rows, offsets, level); break;
            case 5: Run<Taps5>(x, xRow, plane, cinG, width, weights, rows, offsets, level); break;
            case 6: Run<Taps6>(x, xRow, plane, cinG, width, weights, rows, offsets, level); break;
            case 7: Run<Taps7>(x, xRow, plane, cinG, width, weights, rows, offsets, level); break;
            default: Run<Taps8>(x, xRow, plane, cinG, width, weights, rows, offsets, level); break;
        }
    }

    private static void Run<TC>(float[] x, int xRow, int plane, int cinG, int width, ReadOnlySpan<float> weights,
        Span<float> rows, ReadOnlySpan<int> offsets, Simd.SimdLevel level) where TC : struct, ITapCount
    {
        int ix = 0;
        if (level >= Simd.SimdLevel.V512) ix = Run512<TC>(x, xRow, plane, cinG, width, weights, rows, offsets, ix);
        if (level >= Simd.SimdLevel.V256) ix = Run256<TC>(x, xRow, plane, cinG, width, weights, rows, offsets, ix);
        if (level >= Simd.SimdLevel.V128) ix = Run128<TC>(x, xRow, plane, cinG, width, weights, rows, offsets, ix);
        if (ix < width) RunScalar(x, xRow, plane, cinG, ix, width, weights, rows, offsets, TC.Value);
    }

    /// <summary>The columns [<paramref name="from"/>, width) one sample at a time, as row AXPYs (sequential memory).</summary>
    private static void RunScalar(float[] x, int xRow, int plane, int cinG, int from, int width, ReadOnlySpan<float> weights,
        Span<float> rows, ReadOnlySpan<int> offsets, int count)
    {
        int n = width - from;
        for (int t = 0; t < count; t++)
        {
            var target = rows.Slice(offsets[t] + from, n);
            for (int ci = 0; ci < cinG; ci++)
            {
                float w = weights[ci * Width + t];
                var source = x.AsSpan(xRow + ci * plane + from, n);
                for (int i = 0; i < source.Length; i++) target[i] += source[i] * w;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add512(ref float rows, int at, Vector512<float> v)
        => (Vector512.LoadUnsafe(ref rows, (nuint)at) + v).StoreUnsafe(ref rows, (nuint)at);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add256(ref float rows, int at, Vector256<float> v)
        => (Vector256.LoadUnsafe(ref rows, (nuint)at) + v).StoreUnsafe(ref rows, (nuint)at);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add128(ref float rows, int at, Vector128<float> v)
        => (Vector128.LoadUnsafe(ref rows, (nuint)at) + v).StoreUnsafe(ref rows, (nuint)at);

    private static int Run512<TC>(float[] x, int xRow, int plane, int cinG, int width, ReadOnlySpan<float> weights,
        Span<float> rows, ReadOnlySpan<int> offsets, int ix) where TC : struct, ITapCount
    {
        ref float xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref float wr = ref MemoryMarshal.GetReference(weights);
        ref float rr = ref MemoryMarshal.GetReference(rows);
        // Two vectors of columns at a time: 2·taps independent FMA chains hide the FMA latency
        // (one chain per tap leaves the FMA units idle when there are fewer than eight taps).
        for (; ix <= width - 32; ix += 32)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
            nuint xo = (nuint)(xRow + ix);
            for (int ci = 0; ci < cinG; ci++, xo += (nuint)plane)
            {
                var u = Vector512.LoadUnsafe(ref xr, xo);
                var v = Vector512.LoadUnsafe(ref xr, xo + 16);
                ref float w = ref Unsafe.Add(ref wr, ci * Width);
                { var c = Vector512.Create(w); a0 = Vector512.FusedMultiplyAdd(u, c, a0); b0 = Vector512.FusedMultiplyAdd(v, c, b0); }
                if (TC.Value > 1) { var c = Vector512.Create(Unsafe.Add(ref w, 1)); a1 = Vector512.FusedMultiplyAdd(u, c, a1); b1 = Vector512.FusedMultiplyAdd(v, c, b1); }
                if (TC.Value > 2) { var c = Vector512.Create(Unsafe.Add(ref w, 2)); a2 = Vector512.FusedMultiplyAdd(u, c, a2); b2 = Vector512.FusedMultiplyAdd(v, c, b2); }
                if (TC.Value > 3) { var c = Vector512.Create(Unsafe.Add(ref w, 3)); a3 = Vector512.FusedMultiplyAdd(u, c, a3); b3 = Vector512.FusedMultiplyAdd(v, c, b3); }
                if (TC.Value > 4) { var c = Vector512.Create(Unsafe.Add(ref w, 4)); a4 = Vector512.FusedMultiplyAdd(u, c, a4); b4 = Vector512.FusedMultiplyAdd(v, c, b4); }
                if (TC.Value > 5) { var c = Vector512.Create(Unsafe.Add(ref w, 5)); a5 = Vector512.FusedMultiplyAdd(u, c, a5); b5 = Vector512.FusedMultiplyAdd(v, c, b5); }
                if (TC.Value > 6) { var c = Vector512.Create(Unsafe.Add(ref w, 6)); a6 = Vector512.FusedMultiplyAdd(u, c, a6); b6 = Vector512.FusedMultiplyAdd(v, c, b6); }
                if (TC.Value > 7) { var c = Vector512.Create(Unsafe.Add(ref w, 7)); a7 = Vector512.FusedMultiplyAdd(u, c, a7); b7 = Vector512.FusedMultiplyAdd(v, c, b7); }
            }
            { Add512(ref rr, offsets[0] + ix, a0); Add512(ref rr, offsets[0] + ix + 16, b0); }
            if (TC.Value > 1) { Add512(ref rr, offsets[1] + ix, a1); Add512(ref rr, offsets[1] + ix + 16, b1); }
            if (TC.Value > 2) { Add512(ref rr, offsets[2] + ix, a2); Add512(ref rr, offsets[2] + ix + 16, b2); }
            if (TC.Value > 3) { Add512(ref rr, offsets[3] + ix, a3); Add512(ref rr, offsets[3] + ix + 16, b3); }
            if (TC.Value > 4) { Add512(ref rr, offsets[4] + ix, a4); Add512(ref rr, offsets[4] + ix + 16, b4); }
            if (TC.Value > 5) { Add512(ref rr, offsets[5] + ix, a5); Add512(ref rr, offsets[5] + ix + 16, b5); }
            if (TC.Value > 6) { Add512(ref rr, offsets[6] + ix, a6); Add512(ref rr, offsets[6] + ix + 16, b6); }
            if (TC.Value > 7) { Add512(ref rr, offsets[7] + ix, a7); Add512(ref rr, offsets[7] + ix + 16, b7); }
        }
        for (; ix <= width - 16; ix += 16)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            nuint xo = (nuint)(xRow + ix);
            for (int ci = 0; ci < cinG; ci++, xo += (nuint)plane)
            {
                var v = Vector512.LoadUnsafe(ref xr, xo);
                ref float w = ref Unsafe.Add(ref wr, ci * Width);
                a0 = Vector512.FusedMultiplyAdd(v, Vector512.Create(w), a0);
                if (TC.Value > 1) a1 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref w, 1)), a1);
                if (TC.Value > 2) a2 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref w, 2)), a2);
                if (TC.Value > 3) a3 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref w, 3)), a3);
                if (TC.Value > 4) a4 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref w, 4)), a4);
                if (TC.Value > 5) a5 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref w, 5)), a5);
                if (TC.Value > 6) a6 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref w, 6)), a6);
                if (TC.Value > 7) a7 = Vector512.FusedMultiplyAdd(v, Vector512.Create(Unsafe.Add(ref w, 7)), a7);
            }
            Add512(ref rr, offsets[0] + ix, a0);
            if (TC.Value > 1) Add512(ref rr, offsets[1] + ix, a1);
            if (TC.Value > 2) Add512(ref rr, offsets[2] + ix, a2);
            if (TC.Value > 3) Add512(ref rr, offsets[3] + ix, a3);
            if (TC.Value > 4) Add512(ref rr, offsets[4] + ix, a4);
            if (TC.Value > 5) Add512(ref rr, offsets[5] + ix, a5);
            if (TC.Value > 6) Add512(ref rr, offsets[6] + ix, a6);
            if (TC.Value > 7) Add512(ref rr, offsets[7] + ix, a7);
        }
        return ix;
    }

    private static int Run256<TC>(float[] x, int xRow, int plane, int cinG, int width, ReadOnlySpan<float> weights,
        Span<float> rows, ReadOnlySpan<int> offsets, int ix) where TC : struct, ITapCount
    {
        ref float xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref float wr = ref MemoryMarshal.GetReference(weights);
        ref float rr = ref MemoryMarshal.GetReference(rows);
        for (; ix <= width - 8; ix += 8)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            nuint xo = (nuint)(xRow + ix);
            for (int ci = 0; ci < cinG; ci++, xo += (nuint)plane)
            {
                var v = Vector256.LoadUnsafe(ref xr, xo);
                ref float w = ref Unsafe.Add(ref wr, ci * Width);
                a0 = Vector256.FusedMultiplyAdd(v, Vector256.Create(w), a0);
                if (TC.Value > 1) a1 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref w, 1)), a1);
                if (TC.Value > 2) a2 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref w, 2)), a2);
                if (TC.Value > 3) a3 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref w, 3)), a3);
                if (TC.Value > 4) a4 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref w, 4)), a4);
                if (TC.Value > 5) a5 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref w, 5)), a5);
                if (TC.Value > 6) a6 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref w, 6)), a6);
                if (TC.Value > 7) a7 = Vector256.FusedMultiplyAdd(v, Vector256.Create(Unsafe.Add(ref w, 7)), a7);
            }
            Add256(ref rr, offsets[0] + ix, a0);
            if (TC.Value > 1) Add256(ref rr, offsets[1] + ix, a1);
            if (TC.Value > 2) Add256(ref rr, offsets[2] + ix, a2);
            if (TC.Value > 3) Add256(ref rr, offsets[3] + ix, a3);
            if (TC.Value > 4) Add256(ref rr, offsets[4] + ix, a4);
            if (TC.Value > 5) Add256(ref rr, offsets[5] + ix, a5);
            if (TC.Value > 6) Add256(ref rr, offsets[6] + ix, a6);
            if (TC.Value > 7) Add256(ref rr, offsets[7] + ix, a7);
        }
        return ix;
    }

    private static int Run128<TC>(float[] x, int xRow, int plane, int cinG, int width, ReadOnlySpan<float> weights,
        Span<float> rows, ReadOnlySpan<int> offsets, int ix) where TC : struct, ITapCount
    {
        ref float xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref float wr = ref MemoryMarshal.GetReference(weights);
        ref float rr = ref MemoryMarshal.GetReference(rows);
        for (; ix <= width - 4; ix += 4)
        {
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            nuint xo = (nuint)(xRow + ix);
            for (int ci = 0; ci < cinG; ci++, xo += (nuint)plane)
            {
                var v = Vector128.LoadUnsafe(ref xr, xo);
                ref float w = ref Unsafe.Add(ref wr, ci * Width);
                a0 = Vector128.FusedMultiplyAdd(v, Vector128.Create(w), a0);
                if (TC.Value > 1) a1 = Vector128.FusedMultiplyAdd(v, Vector128.Create(Unsafe.Add(ref w, 1)), a1);
                if (TC.Value > 2) a2 = Vector128.FusedMultiplyAdd(v, Vector128.Create(Unsafe.Add(ref w, 2)), a2);
                if (TC.Value > 3) a3 = Vector128.FusedMultiplyAdd(v, Vector128.Create(Unsafe.Add(ref w, 3)), a3);
                if (TC.Value > 4) a4 = Vector128.FusedMultiplyAdd(v, Vector128.Create(Unsafe.Add(ref w, 4)), a4);
                if (TC.Value > 5) a5 = Vector128.FusedMultiplyAdd(v, Vector128.Create(Unsafe.Add(ref w, 5)), a5);
                if (TC.Value > 6) a6 = Vector128.FusedMultiplyAdd(v, Vector128.Create(Unsafe.Add(ref w, 6)), a6);
                if (TC.Value > 7) a7 = Vector128.FusedMultiplyAdd(v, Vector128.Create(Unsafe.Add(ref w, 7)), a7);
            }
            Add128(ref rr, offsets[0] + ix, a0);
            if (TC.Value > 1) Add128(ref rr, offsets[1] + ix, a1);
            if (TC.Value > 2) Add128(ref rr, offsets[2] + ix, a2);
            if (TC.Value > 3) Add128(ref rr, offsets[3] + ix, a3);
            if (TC.Value > 4) Add128(ref rr, offsets[4] + ix, a4);
            if (TC.Value > 5) Add128(ref rr, offsets[5] + ix, a5);
            if (TC.Value > 6) Add128(ref rr, offsets[6] + ix, a6);
            if (TC.Value > 7) Add128(ref rr, offsets[7] + ix, a7);
        }
        return ix;
    }
}

/// <summary>A tap count known to the JIT, so unused accumulators vanish from the instantiation.</summary>
internal interface ITapCount { static abstract int Value { get; } }
internal readonly struct Taps1 : ITapCount { public static int Value => 1; }
internal readonly struct Taps2 : ITapCount { public static int Value => 2; }
internal readonly struct Taps3 : ITapCount { public static int Value => 3; }
internal readonly struct Taps4 : ITapCount { public static int Value => 4; }
internal readonly struct Taps5 : ITapCount { public static int Value => 5; }
internal readonly struct Taps6 : ITapCount { public static int Value => 6; }
internal readonly struct Taps7 : ITapCount { public static int Value => 7; }
internal readonly struct Taps8 : ITapCount { public static int Value => 8; }
