using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>Runs a <see cref="ConvRowJob"/> at the SIMD level in force (read per call, so tests can switch it).</summary>
internal static unsafe class ConvRowKernel
{
    public static void Run(in ConvRowJob job, int xStart, int xEnd, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.V512: ConvRowKernel<Vector512<float>, V512Ops>.Run(job, xStart, xEnd); break;
            case SimdLevel.V256: ConvRowKernel<Vector256<float>, V256Ops>.Run(job, xStart, xEnd); break;
            case SimdLevel.V128: ConvRowKernel<Vector128<float>, V128Ops>.Run(job, xStart, xEnd); break;
            default: ConvRowKernel<float, ScalarOps>.Run(job, xStart, xEnd); break;
        }
    }
}

/// <summary>
/// The register-blocked inner loop of every convolution path. Vectorized across output x (the
/// contiguous axis); a block of 8 output channels × 3 vectors keeps 24 accumulators in registers,
/// so each input load feeds 8 FMAs and each weight broadcast feeds 3. The reduction over taps runs
/// entirely in registers; the output is written once, with bias and ReLU fused into that write.
/// Per output value the taps are summed in the same order on every path, width and thread count.
/// </summary>
/// <remarks>
/// 8×3 rather than 4×6 (also 24 accumulators): the unaligned 64-byte input loads (taps at x+1,
/// x+2 straddle cache lines) are the expensive ones and 8×3 needs half as many per FMA; in the
/// convperf timing (thread CPU time, 1 thread, 1080p, shared machine) 16→16 3×3 went from
/// ~76 to ~65 ms and 3→16 3×3 from ~14.9 to ~13.5 ms.
/// </remarks>
internal static unsafe class ConvRowKernel<TVec, TOps>
    where TVec : unmanaged
    where TOps : ISimdOps<TVec>
{
    /// <summary>Vectors per wide block: 8 channels × 3 vectors = 24 accumulators (see the class remarks).</summary>
    private const int Wide = 3;

    public static void Run(in ConvRowJob job, int xStart, int xEnd)
    {
        int vw = TOps.Count;
        int x = xStart;
        bool stream = false;
        if (TOps.Count > 1 && (job.Cout == 1 || job.OutChannelStride % vw == 0) && xEnd - xStart >= 2 * vw)
        {
            // Vector-aligned stores (a misaligned 64-byte store writes two lines; streaming stores
            // need alignment): one ordinary, overlapping vector covers the unaligned start, and
            // every output channel row of the job shares the alignment.
            int misaligned = (int)((nint)(job.Output + x) / sizeof(float) % vw);
            if (misaligned != 0)
            {
                Columns(job, x, wide: false);
                x += vw - misaligned;
            }
            stream = job.Streaming;
        }
        for (; x + Wide * vw <= xEnd; x += Wide * vw) Columns(job, x, wide: true, stream);
        for (; x + vw <= xEnd; x += vw) Columns(job, x, wide: false, stream);
        if (x < xEnd)
        {
            // The tail: one vector that overlaps the previous one (recomputing a few outputs
            // identically), or lane by lane when the whole segment is narrower than a vector.
            if (xEnd - xStart >= vw) Columns(job, xEnd - vw, wide: false);
            else ConvRowKernel<float, ScalarOps>.Run(job, x, xEnd);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns(in ConvRowJob job, int x, bool wide, bool stream = false)
    {
        int taps = job.TapCount, c = 0;
        float* w = job.Weights;
        for (; c + 8 <= job.Cout; c += 8, w += 8 * taps)
        {
            if (wide) Block8x3(job, w, c, x, stream);
            else Block8x1(job, w, c, x, stream);
        }
        if (c + 4 <= job.Cout)
        {
            if (wide) Block4x3(job, w, c, x, stream);
            else Block4x1(job, w, c, x, stream);
            c += 4; w += 4 * taps;
        }
        for (; c < job.Cout; c++, w += taps)
        {
            if (wide) Block1x3(job, w, c, x, stream);
            else Block1x1(job, w, c, x, stream);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Start(in ConvRowJob job, int c) => job.Bias == null ? default : TOps.Broadcast(job.Bias[c]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* p, TVec v, bool relu, bool stream)
    {
        if (relu) v = TOps.Relu(v);
        if (stream) TOps.StoreStreaming(p, v);
        else TOps.Store(p, v);
    }

    private static void Block8x3(in ConvRowJob job, float* w, int c, int x, bool stream)
    {
        int vw = TOps.Count;
        TVec a00 = Start(job, c), a01 = a00, a02 = a00;
        TVec a10 = Start(job, c + 1), a11 = a10, a12 = a10;
        TVec a20 = Start(job, c + 2), a21 = a20, a22 = a20;
        TVec a30 = Start(job, c + 3), a31 = a30, a32 = a30;
        TVec a40 = Start(job, c + 4), a41 = a40, a42 = a40;
        TVec a50 = Start(job, c + 5), a51 = a50, a52 = a50;
        TVec a60 = Start(job, c + 6), a61 = a60, a62 = a60;
        TVec a70 = Start(job, c + 7), a71 = a70, a72 = a70;
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++, w += 8)
        {
            float* p = (float*)taps[t] + x;
            TVec i0 = TOps.Load(p), i1 = TOps.Load(p + vw), i2 = TOps.Load(p + 2 * vw);
            TVec w0 = TOps.Broadcast(w[0]);
            a00 = TOps.MultiplyAdd(i0, w0, a00); a01 = TOps.MultiplyAdd(i1, w0, a01); a02 = TOps.MultiplyAdd(i2, w0, a02);
            TVec w1 = TOps.Broadcast(w[1]);
            a10 = TOps.MultiplyAdd(i0, w1, a10); a11 = TOps.MultiplyAdd(i1, w1, a11); a12 = TOps.MultiplyAdd(i2, w1, a12);
            TVec w2 = TOps.Broadcast(w[2]);
            a20 = TOps.MultiplyAdd(i0, w2, a20); a21 = TOps.MultiplyAdd(i1, w2, a21); a22 = TOps.MultiplyAdd(i2, w2, a22);
            TVec w3 = TOps.Broadcast(w[3]);
            a30 = TOps.MultiplyAdd(i0, w3, a30); a31 = TOps.MultiplyAdd(i1, w3, a31); a32 = TOps.MultiplyAdd(i2, w3, a32);
            TVec w4 = TOps.Broadcast(w[4]);
            a40 = TOps.MultiplyAdd(i0, w4, a40); a41 = TOps.MultiplyAdd(i1, w4, a41); a42 = TOps.MultiplyAdd(i2, w4, a42);
            TVec w5 = TOps.Broadcast(w[5]);
            a50 = TOps.MultiplyAdd(i0, w5, a50); a51 = TOps.MultiplyAdd(i1, w5, a51); a52 = TOps.MultiplyAdd(i2, w5, a52);
            TVec w6 = TOps.Broadcast(w[6]);
            a60 = TOps.MultiplyAdd(i0, w6, a60); a61 = TOps.MultiplyAdd(i1, w6, a61); a62 = TOps.MultiplyAdd(i2, w6, a62);
            TVec w7 = TOps.Broadcast(w[7]);
            a70 = TOps.MultiplyAdd(i0, w7, a70); a71 = TOps.MultiplyAdd(i1, w7, a71); a72 = TOps.MultiplyAdd(i2, w7, a72);
        }
        bool relu = job.Relu;
        nint stride = job.OutChannelStride;
        float* o = job.Output + c * stride + x;
        Put(o, a00, relu, stream); Put(o + vw, a01, relu, stream); Put(o + 2 * vw, a02, relu, stream);
        o += stride;
        Put(o, a10, relu, stream); Put(o + vw, a11, relu, stream); Put(o + 2 * vw, a12, relu, stream);
        o += stride;
        Put(o, a20, relu, stream); Put(o + vw, a21, relu, stream); Put(o + 2 * vw, a22, relu, stream);
        o += stride;
        Put(o, a30, relu, stream); Put(o + vw, a31, relu, stream); Put(o + 2 * vw, a32, relu, stream);
        o += stride;
        Put(o, a40, relu, stream); Put(o + vw, a41, relu, stream); Put(o + 2 * vw, a42, relu, stream);
        o += stride;
        Put(o, a50, relu, stream); Put(o + vw, a51, relu, stream); Put(o + 2 * vw, a52, relu, stream);
        o += stride;
        Put(o, a60, relu, stream); Put(o + vw, a61, relu, stream); Put(o + 2 * vw, a62, relu, stream);
        o += stride;
        Put(o, a70, relu, stream); Put(o + vw, a71, relu, stream); Put(o + 2 * vw, a72, relu, stream);
    }

    private static void Block8x1(in ConvRowJob job, float* w, int c, int x, bool stream)
    {
        int vw = TOps.Count;
        TVec a00 = Start(job, c);
        TVec a10 = Start(job, c + 1);
        TVec a20 = Start(job, c + 2);
        TVec a30 = Start(job, c + 3);
        TVec a40 = Start(job, c + 4);
        TVec a50 = Start(job, c + 5);
        TVec a60 = Start(job, c + 6);
        TVec a70 = Start(job, c + 7);
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++, w += 8)
        {
            float* p = (float*)taps[t] + x;
            TVec i0 = TOps.Load(p);
            TVec w0 = TOps.Broadcast(w[0]);
            a00 = TOps.MultiplyAdd(i0, w0, a00);
            TVec w1 = TOps.Broadcast(w[1]);
            a10 = TOps.MultiplyAdd(i0, w1, a10);
            TVec w2 = TOps.Broadcast(w[2]);
            a20 = TOps.MultiplyAdd(i0, w2, a20);
            TVec w3 = TOps.Broadcast(w[3]);
            a30 = TOps.MultiplyAdd(i0, w3, a30);
            TVec w4 = TOps.Broadcast(w[4]);
            a40 = TOps.MultiplyAdd(i0, w4, a40);
            TVec w5 = TOps.Broadcast(w[5]);
            a50 = TOps.MultiplyAdd(i0, w5, a50);
            TVec w6 = TOps.Broadcast(w[6]);
            a60 = TOps.MultiplyAdd(i0, w6, a60);
            TVec w7 = TOps.Broadcast(w[7]);
            a70 = TOps.MultiplyAdd(i0, w7, a70);
        }
        bool relu = job.Relu;
        nint stride = job.OutChannelStride;
        float* o = job.Output + c * stride + x;
        Put(o, a00, relu, stream);
        o += stride;
        Put(o, a10, relu, stream);
        o += stride;
        Put(o, a20, relu, stream);
        o += stride;
        Put(o, a30, relu, stream);
        o += stride;
        Put(o, a40, relu, stream);
        o += stride;
        Put(o, a50, relu, stream);
        o += stride;
        Put(o, a60, relu, stream);
        o += stride;
        Put(o, a70, relu, stream);
    }

    private static void Block4x3(in ConvRowJob job, float* w, int c, int x, bool stream)
    {
        int vw = TOps.Count;
        TVec a00 = Start(job, c), a01 = a00, a02 = a00;
        TVec a10 = Start(job, c + 1), a11 = a10, a12 = a10;
        TVec a20 = Start(job, c + 2), a21 = a20, a22 = a20;
        TVec a30 = Start(job, c + 3), a31 = a30, a32 = a30;
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++, w += 4)
        {
            float* p = (float*)taps[t] + x;
            TVec i0 = TOps.Load(p), i1 = TOps.Load(p + vw), i2 = TOps.Load(p + 2 * vw);
            TVec w0 = TOps.Broadcast(w[0]);
            a00 = TOps.MultiplyAdd(i0, w0, a00); a01 = TOps.MultiplyAdd(i1, w0, a01); a02 = TOps.MultiplyAdd(i2, w0, a02);
            TVec w1 = TOps.Broadcast(w[1]);
            a10 = TOps.MultiplyAdd(i0, w1, a10); a11 = TOps.MultiplyAdd(i1, w1, a11); a12 = TOps.MultiplyAdd(i2, w1, a12);
            TVec w2 = TOps.Broadcast(w[2]);
            a20 = TOps.MultiplyAdd(i0, w2, a20); a21 = TOps.MultiplyAdd(i1, w2, a21); a22 = TOps.MultiplyAdd(i2, w2, a22);
            TVec w3 = TOps.Broadcast(w[3]);
            a30 = TOps.MultiplyAdd(i0, w3, a30); a31 = TOps.MultiplyAdd(i1, w3, a31); a32 = TOps.MultiplyAdd(i2, w3, a32);
        }
        bool relu = job.Relu;
        nint stride = job.OutChannelStride;
        float* o = job.Output + c * stride + x;
        Put(o, a00, relu, stream); Put(o + vw, a01, relu, stream); Put(o + 2 * vw, a02, relu, stream);
        o += stride;
        Put(o, a10, relu, stream); Put(o + vw, a11, relu, stream); Put(o + 2 * vw, a12, relu, stream);
        o += stride;
        Put(o, a20, relu, stream); Put(o + vw, a21, relu, stream); Put(o + 2 * vw, a22, relu, stream);
        o += stride;
        Put(o, a30, relu, stream); Put(o + vw, a31, relu, stream); Put(o + 2 * vw, a32, relu, stream);
    }

    private static void Block4x1(in ConvRowJob job, float* w, int c, int x, bool stream)
    {
        int vw = TOps.Count;
        TVec a00 = Start(job, c);
        TVec a10 = Start(job, c + 1);
        TVec a20 = Start(job, c + 2);
        TVec a30 = Start(job, c + 3);
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++, w += 4)
        {
            float* p = (float*)taps[t] + x;
            TVec i0 = TOps.Load(p);
            TVec w0 = TOps.Broadcast(w[0]);
            a00 = TOps.MultiplyAdd(i0, w0, a00);
            TVec w1 = TOps.Broadcast(w[1]);
            a10 = TOps.MultiplyAdd(i0, w1, a10);
            TVec w2 = TOps.Broadcast(w[2]);
            a20 = TOps.MultiplyAdd(i0, w2, a20);
            TVec w3 = TOps.Broadcast(w[3]);
            a30 = TOps.MultiplyAdd(i0, w3, a30);
        }
        bool relu = job.Relu;
        nint stride = job.OutChannelStride;
        float* o = job.Output + c * stride + x;
        Put(o, a00, relu, stream);
        o += stride;
        Put(o, a10, relu, stream);
        o += stride;
        Put(o, a20, relu, stream);
        o += stride;
        Put(o, a30, relu, stream);
    }

    private static void Block1x3(in ConvRowJob job, float* w, int c, int x, bool stream)
    {
        int vw = TOps.Count;
        TVec a00 = Start(job, c), a01 = a00, a02 = a00;
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++)
        {
            float* p = (float*)taps[t] + x;
            TVec i0 = TOps.Load(p), i1 = TOps.Load(p + vw), i2 = TOps.Load(p + 2 * vw);
            TVec w0 = TOps.Broadcast(w[t]);
            a00 = TOps.MultiplyAdd(i0, w0, a00); a01 = TOps.MultiplyAdd(i1, w0, a01); a02 = TOps.MultiplyAdd(i2, w0, a02);
        }
        bool relu = job.Relu;
        nint stride = job.OutChannelStride;
        float* o = job.Output + c * stride + x;
        Put(o, a00, relu, stream); Put(o + vw, a01, relu, stream); Put(o + 2 * vw, a02, relu, stream);
    }

    private static void Block1x1(in ConvRowJob job, float* w, int c, int x, bool stream)
    {
        int vw = TOps.Count;
        TVec a00 = Start(job, c);
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++)
        {
            float* p = (float*)taps[t] + x;
            TVec i0 = TOps.Load(p);
            TVec w0 = TOps.Broadcast(w[t]);
            a00 = TOps.MultiplyAdd(i0, w0, a00);
        }
        bool relu = job.Relu;
        nint stride = job.OutChannelStride;
        float* o = job.Output + c * stride + x;
        Put(o, a00, relu, stream);
    }
}
