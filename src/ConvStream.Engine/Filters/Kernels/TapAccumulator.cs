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
/// <c>dst</c>: callers give every row <see cref="Slack"/> spare floats.
/// </para>
/// Eight accumulators per block keep both FMA pipes busy despite the 4-cycle FMA latency.
/// </summary>
internal static unsafe class TapAccumulator
{
    /// <summary>Spare floats callers leave after each tap row and after dst.</summary>
    public const int Slack = 64;

    public static void Run(float** taps, float* w, int nTaps, float init, float* dst, int n, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.V512: Run512(taps, w, nTaps, init, dst, n); break;
            case SimdLevel.V256: Run256(taps, w, nTaps, init, dst, n); break;
            case SimdLevel.V128: Run128(taps, w, nTaps, init, dst, n); break;
            default: RunScalar(taps, w, nTaps, init, dst, n); break;
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

    [MethodImpl(Hot)]
    private static void Run512(float** taps, float* w, int nTaps, float init, float* dst, int n)
    {
        var i0 = Vector512.Create(init);
        int x = 0;
        for (; x + 128 <= n; x += 128)
        {
            Vector512<float> a0 = i0, a1 = i0, a2 = i0, a3 = i0, a4 = i0, a5 = i0, a6 = i0, a7 = i0;
            for (int t = 0; t < nTaps; t++)
            {
                float* p = taps[t] + x;
                var k = Vector512.Create(w[t]);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Load(p), k, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 16), k, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 32), k, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 48), k, a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 64), k, a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 80), k, a5);
                a6 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 96), k, a6);
                a7 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 112), k, a7);
            }
            a0.Store(dst + x); a1.Store(dst + x + 16); a2.Store(dst + x + 32); a3.Store(dst + x + 48);
            a4.Store(dst + x + 64); a5.Store(dst + x + 80); a6.Store(dst + x + 96); a7.Store(dst + x + 112);
        }
        for (; x < n; x += 16)
        {
            var a = i0;
            for (int t = 0; t < nTaps; t++) a = Vector512.FusedMultiplyAdd(Vector512.Load(taps[t] + x), Vector512.Create(w[t]), a);
            a.Store(dst + x);
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
    [MethodImpl(Hot)]
    public static void RunPair512(float** taps, float* w0, float* w1, byte* kind, int nTaps, float init, float* dst0, float* dst1, int n)
    {
        var i0 = Vector512.Create(init);
        int x = 0;
        for (; x + 128 <= n; x += 128)
        {
            Vector512<float> a0 = i0, a1 = i0, a2 = i0, a3 = i0, a4 = i0, a5 = i0, a6 = i0, a7 = i0;
            Vector512<float> b0 = i0, b1 = i0, b2 = i0, b3 = i0, b4 = i0, b5 = i0, b6 = i0, b7 = i0;
            for (int t = 0; t < nTaps; t++)
            {
                float* p = taps[t] + x;
                int k = kind[t];
                if (k == 2)
                {
                    var k0 = Vector512.Create(w0[t]); var k1 = Vector512.Create(w1[t]);
                    var v = Vector512.Load(p); a0 = Vector512.FusedMultiplyAdd(v, k0, a0); b0 = Vector512.FusedMultiplyAdd(v, k1, b0);
                    v = Vector512.Load(p + 16); a1 = Vector512.FusedMultiplyAdd(v, k0, a1); b1 = Vector512.FusedMultiplyAdd(v, k1, b1);
                    v = Vector512.Load(p + 32); a2 = Vector512.FusedMultiplyAdd(v, k0, a2); b2 = Vector512.FusedMultiplyAdd(v, k1, b2);
                    v = Vector512.Load(p + 48); a3 = Vector512.FusedMultiplyAdd(v, k0, a3); b3 = Vector512.FusedMultiplyAdd(v, k1, b3);
                    v = Vector512.Load(p + 64); a4 = Vector512.FusedMultiplyAdd(v, k0, a4); b4 = Vector512.FusedMultiplyAdd(v, k1, b4);
                    v = Vector512.Load(p + 80); a5 = Vector512.FusedMultiplyAdd(v, k0, a5); b5 = Vector512.FusedMultiplyAdd(v, k1, b5);
                    v = Vector512.Load(p + 96); a6 = Vector512.FusedMultiplyAdd(v, k0, a6); b6 = Vector512.FusedMultiplyAdd(v, k1, b6);
                    v = Vector512.Load(p + 112); a7 = Vector512.FusedMultiplyAdd(v, k0, a7); b7 = Vector512.FusedMultiplyAdd(v, k1, b7);
                }
                else if (k == 0)
                {
                    var k0 = Vector512.Create(w0[t]);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Load(p), k0, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 16), k0, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 32), k0, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 48), k0, a3);
                    a4 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 64), k0, a4);
                    a5 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 80), k0, a5);
                    a6 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 96), k0, a6);
                    a7 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 112), k0, a7);
                }
                else
                {
                    var k1 = Vector512.Create(w1[t]);
                    b0 = Vector512.FusedMultiplyAdd(Vector512.Load(p), k1, b0);
                    b1 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 16), k1, b1);
                    b2 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 32), k1, b2);
                    b3 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 48), k1, b3);
                    b4 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 64), k1, b4);
                    b5 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 80), k1, b5);
                    b6 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 96), k1, b6);
                    b7 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 112), k1, b7);
                }
            }
            a0.Store(dst0 + x); a1.Store(dst0 + x + 16); a2.Store(dst0 + x + 32); a3.Store(dst0 + x + 48);
            a4.Store(dst0 + x + 64); a5.Store(dst0 + x + 80); a6.Store(dst0 + x + 96); a7.Store(dst0 + x + 112);
            b0.Store(dst1 + x); b1.Store(dst1 + x + 16); b2.Store(dst1 + x + 32); b3.Store(dst1 + x + 48);
            b4.Store(dst1 + x + 64); b5.Store(dst1 + x + 80); b6.Store(dst1 + x + 96); b7.Store(dst1 + x + 112);
        }
        for (; x < n; x += 16)
        {
            var a = i0; var b = i0;
            for (int t = 0; t < nTaps; t++)
            {
                var v = Vector512.Load(taps[t] + x);
                int k = kind[t];
                if (k != 1) a = Vector512.FusedMultiplyAdd(v, Vector512.Create(w0[t]), a);
                if (k != 0) b = Vector512.FusedMultiplyAdd(v, Vector512.Create(w1[t]), b);
            }
            a.Store(dst0 + x); b.Store(dst1 + x);
        }
    }

    [MethodImpl(Hot)]
    private static void Run256(float** taps, float* w, int nTaps, float init, float* dst, int n)
    {
        var i0 = Vector256.Create(init);
        int x = 0;
        for (; x + 64 <= n; x += 64)
        {
            Vector256<float> a0 = i0, a1 = i0, a2 = i0, a3 = i0, a4 = i0, a5 = i0, a6 = i0, a7 = i0;
            for (int t = 0; t < nTaps; t++)
            {
                float* p = taps[t] + x;
                var k = Vector256.Create(w[t]);
                a0 = Vector256.FusedMultiplyAdd(Vector256.Load(p), k, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 8), k, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 16), k, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 24), k, a3);
                a4 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 32), k, a4);
                a5 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 40), k, a5);
                a6 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 48), k, a6);
                a7 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 56), k, a7);
            }
            a0.Store(dst + x); a1.Store(dst + x + 8); a2.Store(dst + x + 16); a3.Store(dst + x + 24);
            a4.Store(dst + x + 32); a5.Store(dst + x + 40); a6.Store(dst + x + 48); a7.Store(dst + x + 56);
        }
        for (; x < n; x += 8)
        {
            var a = i0;
            for (int t = 0; t < nTaps; t++) a = Vector256.FusedMultiplyAdd(Vector256.Load(taps[t] + x), Vector256.Create(w[t]), a);
            a.Store(dst + x);
        }
    }

    [MethodImpl(Hot)]
    private static void Run128(float** taps, float* w, int nTaps, float init, float* dst, int n)
    {
        var i0 = Vector128.Create(init);
        int x = 0;
        for (; x + 32 <= n; x += 32)
        {
            Vector128<float> a0 = i0, a1 = i0, a2 = i0, a3 = i0, a4 = i0, a5 = i0, a6 = i0, a7 = i0;
            for (int t = 0; t < nTaps; t++)
            {
                float* p = taps[t] + x;
                var k = Vector128.Create(w[t]);
                a0 = Vector128.FusedMultiplyAdd(Vector128.Load(p), k, a0);
                a1 = Vector128.FusedMultiplyAdd(Vector128.Load(p + 4), k, a1);
                a2 = Vector128.FusedMultiplyAdd(Vector128.Load(p + 8), k, a2);
                a3 = Vector128.FusedMultiplyAdd(Vector128.Load(p + 12), k, a3);
                a4 = Vector128.FusedMultiplyAdd(Vector128.Load(p + 16), k, a4);
                a5 = Vector128.FusedMultiplyAdd(Vector128.Load(p + 20), k, a5);
                a6 = Vector128.FusedMultiplyAdd(Vector128.Load(p + 24), k, a6);
                a7 = Vector128.FusedMultiplyAdd(Vector128.Load(p + 28), k, a7);
            }
            a0.Store(dst + x); a1.Store(dst + x + 4); a2.Store(dst + x + 8); a3.Store(dst + x + 12);
            a4.Store(dst + x + 16); a5.Store(dst + x + 20); a6.Store(dst + x + 24); a7.Store(dst + x + 28);
        }
        for (; x < n; x += 4)
        {
            var a = i0;
            for (int t = 0; t < nTaps; t++) a = Vector128.FusedMultiplyAdd(Vector128.Load(taps[t] + x), Vector128.Create(w[t]), a);
            a.Store(dst + x);
        }
    }
}
