using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Filters.Kernels;

/// <summary>
/// The hot loop of the generic 2-D filter: <c>dst[x] = init + Σ_t w[t]·taps[t][x]</c> for x in
/// [0, n), accumulated in float with one fused multiply-add per tap, taps in the caller's order
/// (OpenCV's <c>FilterVec_8u</c> does the same: start from delta, FMA the non-zero taps in
/// row-major order, so the results match it to the last bit in the vector body). Borders were
/// resolved before (the tap rows are padded), so nothing here branches on position.
/// <para>
/// Reads may run up to one vector past n in every tap row and writes up to one vector past n in
/// the outputs: callers give every row <see cref="Slack"/> spare floats.
/// </para>
/// The loops are written once in <see cref="TapAccumulator{TVec, TOps}"/>; this class picks the width.
/// </summary>
internal static unsafe class TapAccumulator
{
    /// <summary>Spare floats callers leave after each tap row and after dst.</summary>
    public const int Slack = 64;

    public static void Run(float** taps, float* w, int nTaps, float init, float* dst, int n, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.V512: TapAccumulator<Vector512<float>, V512Ops>.Run(taps, w, nTaps, init, dst, n); break;
            case SimdLevel.V256: TapAccumulator<Vector256<float>, V256Ops>.Run(taps, w, nTaps, init, dst, n); break;
            case SimdLevel.V128: TapAccumulator<Vector128<float>, V128Ops>.Run(taps, w, nTaps, init, dst, n); break;
            default: RunScalar(taps, w, nTaps, init, dst, n); break;
        }
    }

    /// <summary>
    /// Two output rows at once (y and y+1 of a per-channel kernel): entry e is a padded input row
    /// pointer that row y weighs by <paramref name="w0"/>[e] and row y+1 by <paramref name="w1"/>[e]
    /// (<paramref name="kind"/>: 0 = y only, 1 = y+1 only, 2 = both). Each loaded vector feeds
    /// two FMAs, halving the loads that bound the one-row loop (most are cache-line splits,
    /// since taps sit C floats apart). Entries are in (input row, kx) order, so each output row
    /// still sees its own non-zero taps in row-major order: the same bits as <see cref="Run"/>.
    /// </summary>
    public static void RunPair(float** taps, float* w0, float* w1, byte* kind, int nTaps, float init, float* dst0, float* dst1, int n, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.V512: TapAccumulator<Vector512<float>, V512Ops>.RunPair(taps, w0, w1, kind, nTaps, init, dst0, dst1, n); break;
            case SimdLevel.V256: TapAccumulator<Vector256<float>, V256Ops>.RunPair(taps, w0, w1, kind, nTaps, init, dst0, dst1, n); break;
            case SimdLevel.V128: TapAccumulator<Vector128<float>, V128Ops>.RunPair(taps, w0, w1, kind, nTaps, init, dst0, dst1, n); break;
            default: TapAccumulator<float, ScalarOps>.RunPair(taps, w0, w1, kind, nTaps, init, dst0, dst1, n); break;
        }
    }

    /// <summary>The specification: the same FMA order as every vector path.</summary>
    public static void RunScalar(float** taps, float* w, int nTaps, float init, float* dst, int n)
    {
        for (int x = 0; x < n; x++)
        {
            float acc = init;
            for (int t = 0; t < nTaps; t++) acc = MathF.FusedMultiplyAdd(taps[t][x], w[t], acc);
            dst[x] = acc;
        }
    }
}

/// <summary>
/// <see cref="TapAccumulator"/>'s loops at one width. Eight accumulators per block keep both FMA
/// pipes busy despite the 4-cycle FMA latency; the tail runs whole vectors into the slack.
/// </summary>
internal static unsafe class TapAccumulator<TVec, TOps> where TVec : unmanaged where TOps : ISimdOps<TVec>
{
    [MethodImpl(Hot)]
    public static void Run(float** taps, float* w, int nTaps, float init, float* dst, int n)
    {
        int vw = TOps.Count;
        TVec i0 = TOps.Broadcast(init);
        int x = 0;
        for (; x + 8 * vw <= n; x += 8 * vw)
        {
            TVec a0 = i0, a1 = i0, a2 = i0, a3 = i0, a4 = i0, a5 = i0, a6 = i0, a7 = i0;
            for (int t = 0; t < nTaps; t++)
            {
                float* p = taps[t] + x;
                TVec k = TOps.Broadcast(w[t]);
                a0 = TOps.FusedMultiplyAdd(TOps.Load(p), k, a0);
                a1 = TOps.FusedMultiplyAdd(TOps.Load(p + vw), k, a1);
                a2 = TOps.FusedMultiplyAdd(TOps.Load(p + 2 * vw), k, a2);
                a3 = TOps.FusedMultiplyAdd(TOps.Load(p + 3 * vw), k, a3);
                a4 = TOps.FusedMultiplyAdd(TOps.Load(p + 4 * vw), k, a4);
                a5 = TOps.FusedMultiplyAdd(TOps.Load(p + 5 * vw), k, a5);
                a6 = TOps.FusedMultiplyAdd(TOps.Load(p + 6 * vw), k, a6);
                a7 = TOps.FusedMultiplyAdd(TOps.Load(p + 7 * vw), k, a7);
            }
            float* d = dst + x;
            TOps.Store(d, a0); TOps.Store(d + vw, a1); TOps.Store(d + 2 * vw, a2); TOps.Store(d + 3 * vw, a3);
            TOps.Store(d + 4 * vw, a4); TOps.Store(d + 5 * vw, a5); TOps.Store(d + 6 * vw, a6); TOps.Store(d + 7 * vw, a7);
        }
        for (; x < n; x += vw)
        {
            TVec a = i0;
            for (int t = 0; t < nTaps; t++) a = TOps.FusedMultiplyAdd(TOps.Load(taps[t] + x), TOps.Broadcast(w[t]), a);
            TOps.Store(dst + x, a);
        }
    }

    /// <summary>See <see cref="TapAccumulator.RunPair"/>.</summary>
    [MethodImpl(Hot)]
    public static void RunPair(float** taps, float* w0, float* w1, byte* kind, int nTaps, float init, float* dst0, float* dst1, int n)
    {
        int vw = TOps.Count;
        TVec i0 = TOps.Broadcast(init);
        int x = 0;
        for (; x + 8 * vw <= n; x += 8 * vw)
        {
            TVec a0 = i0, a1 = i0, a2 = i0, a3 = i0, a4 = i0, a5 = i0, a6 = i0, a7 = i0;
            TVec b0 = i0, b1 = i0, b2 = i0, b3 = i0, b4 = i0, b5 = i0, b6 = i0, b7 = i0;
            for (int t = 0; t < nTaps; t++)
            {
                float* p = taps[t] + x;
                int k = kind[t];
                if (k == 2)
                {
                    TVec k0 = TOps.Broadcast(w0[t]), k1 = TOps.Broadcast(w1[t]);
                    TVec v = TOps.Load(p); a0 = TOps.FusedMultiplyAdd(v, k0, a0); b0 = TOps.FusedMultiplyAdd(v, k1, b0);
                    v = TOps.Load(p + vw); a1 = TOps.FusedMultiplyAdd(v, k0, a1); b1 = TOps.FusedMultiplyAdd(v, k1, b1);
                    v = TOps.Load(p + 2 * vw); a2 = TOps.FusedMultiplyAdd(v, k0, a2); b2 = TOps.FusedMultiplyAdd(v, k1, b2);
                    v = TOps.Load(p + 3 * vw); a3 = TOps.FusedMultiplyAdd(v, k0, a3); b3 = TOps.FusedMultiplyAdd(v, k1, b3);
                    v = TOps.Load(p + 4 * vw); a4 = TOps.FusedMultiplyAdd(v, k0, a4); b4 = TOps.FusedMultiplyAdd(v, k1, b4);
                    v = TOps.Load(p + 5 * vw); a5 = TOps.FusedMultiplyAdd(v, k0, a5); b5 = TOps.FusedMultiplyAdd(v, k1, b5);
                    v = TOps.Load(p + 6 * vw); a6 = TOps.FusedMultiplyAdd(v, k0, a6); b6 = TOps.FusedMultiplyAdd(v, k1, b6);
                    v = TOps.Load(p + 7 * vw); a7 = TOps.FusedMultiplyAdd(v, k0, a7); b7 = TOps.FusedMultiplyAdd(v, k1, b7);
                }
                else if (k == 0)
                {
                    TVec k0 = TOps.Broadcast(w0[t]);
                    a0 = TOps.FusedMultiplyAdd(TOps.Load(p), k0, a0);
                    a1 = TOps.FusedMultiplyAdd(TOps.Load(p + vw), k0, a1);
                    a2 = TOps.FusedMultiplyAdd(TOps.Load(p + 2 * vw), k0, a2);
                    a3 = TOps.FusedMultiplyAdd(TOps.Load(p + 3 * vw), k0, a3);
                    a4 = TOps.FusedMultiplyAdd(TOps.Load(p + 4 * vw), k0, a4);
                    a5 = TOps.FusedMultiplyAdd(TOps.Load(p + 5 * vw), k0, a5);
                    a6 = TOps.FusedMultiplyAdd(TOps.Load(p + 6 * vw), k0, a6);
                    a7 = TOps.FusedMultiplyAdd(TOps.Load(p + 7 * vw), k0, a7);
                }
                else
                {
                    TVec k1 = TOps.Broadcast(w1[t]);
                    b0 = TOps.FusedMultiplyAdd(TOps.Load(p), k1, b0);
                    b1 = TOps.FusedMultiplyAdd(TOps.Load(p + vw), k1, b1);
                    b2 = TOps.FusedMultiplyAdd(TOps.Load(p + 2 * vw), k1, b2);
                    b3 = TOps.FusedMultiplyAdd(TOps.Load(p + 3 * vw), k1, b3);
                    b4 = TOps.FusedMultiplyAdd(TOps.Load(p + 4 * vw), k1, b4);
                    b5 = TOps.FusedMultiplyAdd(TOps.Load(p + 5 * vw), k1, b5);
                    b6 = TOps.FusedMultiplyAdd(TOps.Load(p + 6 * vw), k1, b6);
                    b7 = TOps.FusedMultiplyAdd(TOps.Load(p + 7 * vw), k1, b7);
                }
            }
            float* d = dst0 + x, e = dst1 + x;
            TOps.Store(d, a0); TOps.Store(d + vw, a1); TOps.Store(d + 2 * vw, a2); TOps.Store(d + 3 * vw, a3);
            TOps.Store(d + 4 * vw, a4); TOps.Store(d + 5 * vw, a5); TOps.Store(d + 6 * vw, a6); TOps.Store(d + 7 * vw, a7);
            TOps.Store(e, b0); TOps.Store(e + vw, b1); TOps.Store(e + 2 * vw, b2); TOps.Store(e + 3 * vw, b3);
            TOps.Store(e + 4 * vw, b4); TOps.Store(e + 5 * vw, b5); TOps.Store(e + 6 * vw, b6); TOps.Store(e + 7 * vw, b7);
        }
        for (; x < n; x += vw)
        {
            TVec a = i0, b = i0;
            for (int t = 0; t < nTaps; t++)
            {
                TVec v = TOps.Load(taps[t] + x);
                int k = kind[t];
                if (k != 1) a = TOps.FusedMultiplyAdd(v, TOps.Broadcast(w0[t]), a);
                if (k != 0) b = TOps.FusedMultiplyAdd(v, TOps.Broadcast(w1[t]), b);
            }
            TOps.Store(dst0 + x, a); TOps.Store(dst1 + x, b);
        }
    }
}
