using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

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
        if (level >= Simd.SimdLevel.V512) ix = TransposedTaps<Vector512<float>, V512Ops>.Columns<TC>(x, xRow, plane, cinG, width, weights, rows, offsets, ix);
        if (level >= Simd.SimdLevel.V256) ix = TransposedTaps<Vector256<float>, V256Ops>.Columns<TC>(x, xRow, plane, cinG, width, weights, rows, offsets, ix);
        if (level >= Simd.SimdLevel.V128) ix = TransposedTaps<Vector128<float>, V128Ops>.Columns<TC>(x, xRow, plane, cinG, width, weights, rows, offsets, ix);
        if (ix < width) RunScalar(x, xRow, plane, cinG, ix, width, weights, rows, offsets, TC.Value);
    }

    /// <summary>
    /// The columns [<paramref name="from"/>, width) one sample at a time, as row AXPYs (sequential
    /// memory). Its own order (multiply, then add into the row, per channel), not the vectors' FMA
    /// chains: the reference tolerates the difference, and each path keeps its bits.
    /// </summary>
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
}

/// <summary><see cref="TransposedTaps"/>' vector loops at one width.</summary>
internal static unsafe class TransposedTaps<TVec, TOps> where TVec : unmanaged where TOps : ISimdOps<TVec>
{
    /// <summary>
    /// Whole vectors of columns from <paramref name="ix"/> on; returns where they end. With 32
    /// vector registers (AVX-512) two vectors of columns go at a time: 2·taps independent FMA
    /// chains hide the FMA latency (one chain per tap leaves the FMA units idle when there are
    /// fewer than eight taps); with 16 the second block's accumulators would spill.
    /// </summary>
    public static int Columns<TC>(float[] x, int xRow, int plane, int cinG, int width, ReadOnlySpan<float> weights,
        Span<float> rows, ReadOnlySpan<int> offsets, int ix) where TC : struct, ITapCount
    {
        int vw = TOps.Count;
        fixed (float* xr = x, wr = weights, rr = rows)
        {
            if (vw >= Vector512<float>.Count)
                for (; ix <= width - 2 * vw; ix += 2 * vw)
                {
                    TVec a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                    TVec b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
                    float* xo = xr + xRow + ix;
                    for (int ci = 0; ci < cinG; ci++, xo += plane)
                    {
                        TVec u = TOps.Load(xo), v = TOps.Load(xo + vw);
                        float* w = wr + ci * TransposedTaps.Width;
                        Fma2(ref a0, ref b0, u, v, w[0]);
                        if (TC.Value > 1) Fma2(ref a1, ref b1, u, v, w[1]);
                        if (TC.Value > 2) Fma2(ref a2, ref b2, u, v, w[2]);
                        if (TC.Value > 3) Fma2(ref a3, ref b3, u, v, w[3]);
                        if (TC.Value > 4) Fma2(ref a4, ref b4, u, v, w[4]);
                        if (TC.Value > 5) Fma2(ref a5, ref b5, u, v, w[5]);
                        if (TC.Value > 6) Fma2(ref a6, ref b6, u, v, w[6]);
                        if (TC.Value > 7) Fma2(ref a7, ref b7, u, v, w[7]);
                    }
                    AddInto(rr + offsets[0] + ix, a0, b0);
                    if (TC.Value > 1) AddInto(rr + offsets[1] + ix, a1, b1);
                    if (TC.Value > 2) AddInto(rr + offsets[2] + ix, a2, b2);
                    if (TC.Value > 3) AddInto(rr + offsets[3] + ix, a3, b3);
                    if (TC.Value > 4) AddInto(rr + offsets[4] + ix, a4, b4);
                    if (TC.Value > 5) AddInto(rr + offsets[5] + ix, a5, b5);
                    if (TC.Value > 6) AddInto(rr + offsets[6] + ix, a6, b6);
                    if (TC.Value > 7) AddInto(rr + offsets[7] + ix, a7, b7);
                }
            for (; ix <= width - vw; ix += vw)
            {
                TVec a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                float* xo = xr + xRow + ix;
                for (int ci = 0; ci < cinG; ci++, xo += plane)
                {
                    TVec v = TOps.Load(xo);
                    float* w = wr + ci * TransposedTaps.Width;
                    a0 = TOps.FusedMultiplyAdd(v, TOps.Broadcast(w[0]), a0);
                    if (TC.Value > 1) a1 = TOps.FusedMultiplyAdd(v, TOps.Broadcast(w[1]), a1);
                    if (TC.Value > 2) a2 = TOps.FusedMultiplyAdd(v, TOps.Broadcast(w[2]), a2);
                    if (TC.Value > 3) a3 = TOps.FusedMultiplyAdd(v, TOps.Broadcast(w[3]), a3);
                    if (TC.Value > 4) a4 = TOps.FusedMultiplyAdd(v, TOps.Broadcast(w[4]), a4);
                    if (TC.Value > 5) a5 = TOps.FusedMultiplyAdd(v, TOps.Broadcast(w[5]), a5);
                    if (TC.Value > 6) a6 = TOps.FusedMultiplyAdd(v, TOps.Broadcast(w[6]), a6);
                    if (TC.Value > 7) a7 = TOps.FusedMultiplyAdd(v, TOps.Broadcast(w[7]), a7);
                }
                AddInto(rr + offsets[0] + ix, a0);
                if (TC.Value > 1) AddInto(rr + offsets[1] + ix, a1);
                if (TC.Value > 2) AddInto(rr + offsets[2] + ix, a2);
                if (TC.Value > 3) AddInto(rr + offsets[3] + ix, a3);
                if (TC.Value > 4) AddInto(rr + offsets[4] + ix, a4);
                if (TC.Value > 5) AddInto(rr + offsets[5] + ix, a5);
                if (TC.Value > 6) AddInto(rr + offsets[6] + ix, a6);
                if (TC.Value > 7) AddInto(rr + offsets[7] + ix, a7);
            }
        }
        return ix;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fma2(ref TVec a, ref TVec b, TVec u, TVec v, float w)
    {
        TVec c = TOps.Broadcast(w);
        a = TOps.FusedMultiplyAdd(u, c, a);
        b = TOps.FusedMultiplyAdd(v, c, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddInto(float* row, TVec a) => TOps.Store(row, TOps.Add(TOps.Load(row), a));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddInto(float* row, TVec a, TVec b)
    {
        AddInto(row, a);
        AddInto(row + TOps.Count, b);
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
