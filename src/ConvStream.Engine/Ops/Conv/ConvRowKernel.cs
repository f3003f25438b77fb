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
/// contiguous axis); a block of 4 output channels × 4 vectors keeps 16 accumulators in registers,
/// so each input load feeds 4 FMAs and each weight broadcast feeds 4. The reduction over taps runs
/// entirely in registers; the output is written once, with bias and ReLU fused into that write.
/// Per output value the taps are summed in the same order on every path, width and thread count.
/// </summary>
internal static unsafe class ConvRowKernel<TVec, TOps>
    where TVec : unmanaged
    where TOps : ISimdOps<TVec>
{
    /// <summary>Vectors per wide block. 6 (24 accumulators of 4 channels) beat 4 on the in-cache 16→16 3×3 timing.</summary>
    private const int Wide = 6;

    public static void Run(in ConvRowJob job, int xStart, int xEnd)
    {
        int vw = TOps.Count;
        int x = xStart;
        bool stream = false;
        if (TOps.Count > 1 && job.OutChannelStride % vw == 0 && xEnd - xStart >= 2 * vw)
        {
            // Vector-aligned stores (a misaligned 64-byte store writes two lines; streaming stores
            // need alignment): one ordinary, overlapping vector covers the unaligned start, and
            // every output row of the job shares the alignment.
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
        int blocks = job.Cout >> 2, taps = job.TapCount;
        float* w = job.Weights;
        for (int b = 0; b < blocks; b++, w += 4 * taps)
        {
            if (wide) Block4x6(job, w, 4 * b, x, stream);
            else Block4x1(job, w, 4 * b, x, stream);
        }
        for (int c = 4 * blocks; c < job.Cout; c++, w += taps)
        {
            if (wide) Block1x6(job, w, c, x, stream);
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

    private static void Block4x6(in ConvRowJob job, float* w, int c, int x, bool stream)
    {
        int vw = TOps.Count;
        TVec b0 = Start(job, c), b1 = Start(job, c + 1), b2 = Start(job, c + 2), b3 = Start(job, c + 3);
        TVec a00 = b0, a01 = b0, a02 = b0, a03 = b0, a04 = b0, a05 = b0;
        TVec a10 = b1, a11 = b1, a12 = b1, a13 = b1, a14 = b1, a15 = b1;
        TVec a20 = b2, a21 = b2, a22 = b2, a23 = b2, a24 = b2, a25 = b2;
        TVec a30 = b3, a31 = b3, a32 = b3, a33 = b3, a34 = b3, a35 = b3;
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++, w += 4)
        {
            float* p = (float*)taps[t] + x;
            TVec i0 = TOps.Load(p), i1 = TOps.Load(p + vw), i2 = TOps.Load(p + 2 * vw), i3 = TOps.Load(p + 3 * vw), i4 = TOps.Load(p + 4 * vw), i5 = TOps.Load(p + 5 * vw);
            TVec w0 = TOps.Broadcast(w[0]);
            a00 = TOps.MultiplyAdd(i0, w0, a00); a01 = TOps.MultiplyAdd(i1, w0, a01); a02 = TOps.MultiplyAdd(i2, w0, a02); a03 = TOps.MultiplyAdd(i3, w0, a03); a04 = TOps.MultiplyAdd(i4, w0, a04); a05 = TOps.MultiplyAdd(i5, w0, a05);
            TVec w1 = TOps.Broadcast(w[1]);
            a10 = TOps.MultiplyAdd(i0, w1, a10); a11 = TOps.MultiplyAdd(i1, w1, a11); a12 = TOps.MultiplyAdd(i2, w1, a12); a13 = TOps.MultiplyAdd(i3, w1, a13); a14 = TOps.MultiplyAdd(i4, w1, a14); a15 = TOps.MultiplyAdd(i5, w1, a15);
            TVec w2 = TOps.Broadcast(w[2]);
            a20 = TOps.MultiplyAdd(i0, w2, a20); a21 = TOps.MultiplyAdd(i1, w2, a21); a22 = TOps.MultiplyAdd(i2, w2, a22); a23 = TOps.MultiplyAdd(i3, w2, a23); a24 = TOps.MultiplyAdd(i4, w2, a24); a25 = TOps.MultiplyAdd(i5, w2, a25);
            TVec w3 = TOps.Broadcast(w[3]);
            a30 = TOps.MultiplyAdd(i0, w3, a30); a31 = TOps.MultiplyAdd(i1, w3, a31); a32 = TOps.MultiplyAdd(i2, w3, a32); a33 = TOps.MultiplyAdd(i3, w3, a33); a34 = TOps.MultiplyAdd(i4, w3, a34); a35 = TOps.MultiplyAdd(i5, w3, a35);
        }
        // The epilogue: one address computation per block; bias is already in, ReLU on the way out.
        bool r = job.Relu;
        nint stride = job.OutChannelStride;
        float* o = job.Output + c * stride + x;
        Put(o, a00, r, stream); Put(o + vw, a01, r, stream); Put(o + 2 * vw, a02, r, stream); Put(o + 3 * vw, a03, r, stream); Put(o + 4 * vw, a04, r, stream); Put(o + 5 * vw, a05, r, stream);
        o += stride;
        Put(o, a10, r, stream); Put(o + vw, a11, r, stream); Put(o + 2 * vw, a12, r, stream); Put(o + 3 * vw, a13, r, stream); Put(o + 4 * vw, a14, r, stream); Put(o + 5 * vw, a15, r, stream);
        o += stride;
        Put(o, a20, r, stream); Put(o + vw, a21, r, stream); Put(o + 2 * vw, a22, r, stream); Put(o + 3 * vw, a23, r, stream); Put(o + 4 * vw, a24, r, stream); Put(o + 5 * vw, a25, r, stream);
        o += stride;
        Put(o, a30, r, stream); Put(o + vw, a31, r, stream); Put(o + 2 * vw, a32, r, stream); Put(o + 3 * vw, a33, r, stream); Put(o + 4 * vw, a34, r, stream); Put(o + 5 * vw, a35, r, stream);
    }

    private static void Block4x1(in ConvRowJob job, float* w, int c, int x, bool stream)
    {
        TVec a0 = Start(job, c), a1 = Start(job, c + 1), a2 = Start(job, c + 2), a3 = Start(job, c + 3);
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++, w += 4)
        {
            TVec i0 = TOps.Load((float*)taps[t] + x);
            a0 = TOps.MultiplyAdd(i0, TOps.Broadcast(w[0]), a0);
            a1 = TOps.MultiplyAdd(i0, TOps.Broadcast(w[1]), a1);
            a2 = TOps.MultiplyAdd(i0, TOps.Broadcast(w[2]), a2);
            a3 = TOps.MultiplyAdd(i0, TOps.Broadcast(w[3]), a3);
        }
        bool r = job.Relu;
        nint stride = job.OutChannelStride;
        float* o = job.Output + c * stride + x;
        Put(o, a0, r, stream); Put(o + stride, a1, r, stream); Put(o + 2 * stride, a2, r, stream); Put(o + 3 * stride, a3, r, stream);
    }

    private static void Block1x6(in ConvRowJob job, float* w, int c, int x, bool stream)
    {
        int vw = TOps.Count;
        TVec a0 = Start(job, c), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++)
        {
            float* p = (float*)taps[t] + x;
            TVec wt = TOps.Broadcast(w[t]);
            a0 = TOps.MultiplyAdd(TOps.Load(p), wt, a0);
            a1 = TOps.MultiplyAdd(TOps.Load(p + vw), wt, a1);
            a2 = TOps.MultiplyAdd(TOps.Load(p + 2 * vw), wt, a2);
            a3 = TOps.MultiplyAdd(TOps.Load(p + 3 * vw), wt, a3);
            a4 = TOps.MultiplyAdd(TOps.Load(p + 4 * vw), wt, a4);
            a5 = TOps.MultiplyAdd(TOps.Load(p + 5 * vw), wt, a5);
        }
        bool r = job.Relu;
        float* o = job.Output + c * job.OutChannelStride + x;
        Put(o, a0, r, stream); Put(o + vw, a1, r, stream); Put(o + 2 * vw, a2, r, stream); Put(o + 3 * vw, a3, r, stream); Put(o + 4 * vw, a4, r, stream); Put(o + 5 * vw, a5, r, stream);
    }

    private static void Block1x1(in ConvRowJob job, float* w, int c, int x, bool stream)
    {
        TVec a = Start(job, c);
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++)
            a = TOps.MultiplyAdd(TOps.Load((float*)taps[t] + x), TOps.Broadcast(w[t]), a);
        Put(job.Output + c * job.OutChannelStride + x, a, job.Relu, stream);
    }
}
