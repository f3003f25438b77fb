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
    public static void Run(in ConvRowJob job, int xStart, int xEnd)
    {
        int vw = TOps.Count;
        int x = xStart;
        for (; x + 4 * vw <= xEnd; x += 4 * vw) Columns(job, x, wide: true);
        for (; x + vw <= xEnd; x += vw) Columns(job, x, wide: false);
        if (x < xEnd)
        {
            // The tail: one vector that overlaps the previous one (recomputing a few outputs
            // identically), or lane by lane when the whole segment is narrower than a vector.
            if (xEnd - xStart >= vw) Columns(job, xEnd - vw, wide: false);
            else ConvRowKernel<float, ScalarOps>.Run(job, x, xEnd);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns(in ConvRowJob job, int x, bool wide)
    {
        int blocks = job.Cout >> 2, taps = job.TapCount;
        float* w = job.Weights;
        for (int b = 0; b < blocks; b++, w += 4 * taps)
        {
            if (wide) Block4x4(job, w, 4 * b, x);
            else Block4x1(job, w, 4 * b, x);
        }
        for (int c = 4 * blocks; c < job.Cout; c++, w += taps)
        {
            if (wide) Block1x4(job, w, c, x);
            else Block1x1(job, w, c, x);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Start(in ConvRowJob job, int c) => job.Bias == null ? default : TOps.Broadcast(job.Bias[c]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(in ConvRowJob job, int c, int x, TVec v)
        => TOps.Store(job.Output + c * job.OutChannelStride + x, job.Relu ? TOps.Relu(v) : v);

    private static void Block4x4(in ConvRowJob job, float* w, int c, int x)
    {
        int vw = TOps.Count;
        TVec b0 = Start(job, c), b1 = Start(job, c + 1), b2 = Start(job, c + 2), b3 = Start(job, c + 3);
        TVec a00 = b0, a01 = b0, a02 = b0, a03 = b0;
        TVec a10 = b1, a11 = b1, a12 = b1, a13 = b1;
        TVec a20 = b2, a21 = b2, a22 = b2, a23 = b2;
        TVec a30 = b3, a31 = b3, a32 = b3, a33 = b3;
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++, w += 4)
        {
            float* p = (float*)taps[t] + x;
            TVec i0 = TOps.Load(p), i1 = TOps.Load(p + vw), i2 = TOps.Load(p + 2 * vw), i3 = TOps.Load(p + 3 * vw);
            TVec w0 = TOps.Broadcast(w[0]);
            a00 = TOps.MultiplyAdd(i0, w0, a00); a01 = TOps.MultiplyAdd(i1, w0, a01);
            a02 = TOps.MultiplyAdd(i2, w0, a02); a03 = TOps.MultiplyAdd(i3, w0, a03);
            TVec w1 = TOps.Broadcast(w[1]);
            a10 = TOps.MultiplyAdd(i0, w1, a10); a11 = TOps.MultiplyAdd(i1, w1, a11);
            a12 = TOps.MultiplyAdd(i2, w1, a12); a13 = TOps.MultiplyAdd(i3, w1, a13);
            TVec w2 = TOps.Broadcast(w[2]);
            a20 = TOps.MultiplyAdd(i0, w2, a20); a21 = TOps.MultiplyAdd(i1, w2, a21);
            a22 = TOps.MultiplyAdd(i2, w2, a22); a23 = TOps.MultiplyAdd(i3, w2, a23);
            TVec w3 = TOps.Broadcast(w[3]);
            a30 = TOps.MultiplyAdd(i0, w3, a30); a31 = TOps.MultiplyAdd(i1, w3, a31);
            a32 = TOps.MultiplyAdd(i2, w3, a32); a33 = TOps.MultiplyAdd(i3, w3, a33);
        }
        Put(job, c, x, a00); Put(job, c, x + vw, a01); Put(job, c, x + 2 * vw, a02); Put(job, c, x + 3 * vw, a03);
        Put(job, c + 1, x, a10); Put(job, c + 1, x + vw, a11); Put(job, c + 1, x + 2 * vw, a12); Put(job, c + 1, x + 3 * vw, a13);
        Put(job, c + 2, x, a20); Put(job, c + 2, x + vw, a21); Put(job, c + 2, x + 2 * vw, a22); Put(job, c + 2, x + 3 * vw, a23);
        Put(job, c + 3, x, a30); Put(job, c + 3, x + vw, a31); Put(job, c + 3, x + 2 * vw, a32); Put(job, c + 3, x + 3 * vw, a33);
    }

    private static void Block4x1(in ConvRowJob job, float* w, int c, int x)
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
        Put(job, c, x, a0); Put(job, c + 1, x, a1); Put(job, c + 2, x, a2); Put(job, c + 3, x, a3);
    }

    private static void Block1x4(in ConvRowJob job, float* w, int c, int x)
    {
        int vw = TOps.Count;
        TVec a0 = Start(job, c), a1 = a0, a2 = a0, a3 = a0;
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++)
        {
            float* p = (float*)taps[t] + x;
            TVec wt = TOps.Broadcast(w[t]);
            a0 = TOps.MultiplyAdd(TOps.Load(p), wt, a0);
            a1 = TOps.MultiplyAdd(TOps.Load(p + vw), wt, a1);
            a2 = TOps.MultiplyAdd(TOps.Load(p + 2 * vw), wt, a2);
            a3 = TOps.MultiplyAdd(TOps.Load(p + 3 * vw), wt, a3);
        }
        Put(job, c, x, a0); Put(job, c, x + vw, a1); Put(job, c, x + 2 * vw, a2); Put(job, c, x + 3 * vw, a3);
    }

    private static void Block1x1(in ConvRowJob job, float* w, int c, int x)
    {
        TVec a = Start(job, c);
        nint* taps = job.Taps;
        for (int t = 0, n = job.TapCount; t < n; t++)
            a = TOps.MultiplyAdd(TOps.Load((float*)taps[t] + x), TOps.Broadcast(w[t]), a);
        Put(job, c, x, a);
    }
}
