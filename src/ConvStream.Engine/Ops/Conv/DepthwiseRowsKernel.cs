using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// Four consecutive output rows of one depthwise channel (one input channel per output, vertical
/// stride and dilation 1). Output row j at kernel row ky reads input row j + ky, so each input
/// row is loaded once and feeds up to four output rows with different weights: 16 accumulators
/// (4 rows × 4 vectors) and up to 4 FMAs per load, where a one-row kernel is bound by its loads.
/// </summary>
internal readonly unsafe struct DepthwiseRowsJob(nint* rows, int validRows, int kh, int kw, nint* columns, float* weights,
    float* output, nint outRowStride, float bias, bool relu, bool streaming)
{
    /// <summary>KH + 3 resolved input rows: row r is padded row top + r.</summary>
    public readonly nint* Rows = rows;
    /// <summary>Output rows to write (1..4; the last group of an image may be short).</summary>
    public readonly int ValidRows = validRows;
    public readonly int KH = kh, KW = kw;
    /// <summary>Per kx, the float offset within a resolved row where output column 0 reads.</summary>
    public readonly nint* Columns = columns;
    /// <summary>KH·KW weights of the channel, flip applied.</summary>
    public readonly float* Weights = weights;
    public readonly float* Output = output;
    public readonly nint OutRowStride = outRowStride;
    public readonly float Bias = bias;
    public readonly bool Relu = relu, Streaming = streaming;
}

internal static unsafe class DepthwiseRowsKernel
{
    public static void Run(in DepthwiseRowsJob job, int width, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.V512: DepthwiseRowsKernel<Vector512<float>, V512Ops>.Run(job, 0, width); break;
            case SimdLevel.V256: DepthwiseRowsKernel<Vector256<float>, V256Ops>.Run(job, 0, width); break;
            case SimdLevel.V128: DepthwiseRowsKernel<Vector128<float>, V128Ops>.Run(job, 0, width); break;
            default: DepthwiseRowsKernel<float, ScalarOps>.Run(job, 0, width); break;
        }
    }
}

/// <summary>The row-blocked depthwise loop; taps are summed in (ky, kx) order like every other path.</summary>
internal static unsafe class DepthwiseRowsKernel<TVec, TOps>
    where TVec : unmanaged
    where TOps : ISimdOps<TVec>
{
    public static void Run(in DepthwiseRowsJob job, int xStart, int xEnd)
    {
        int vw = TOps.Count;
        int x = xStart;
        bool stream = false;
        if (TOps.Count > 1 && job.OutRowStride % vw == 0 && xEnd - xStart >= 2 * vw)
        {
            // Vector-aligned stores (a misaligned 64-byte store writes two lines; streaming stores
            // need alignment): one ordinary, overlapping vector covers the unaligned start, and
            // every output row of the job shares the alignment.
            int misaligned = (int)((nint)(job.Output + x) / sizeof(float) % vw);
            if (misaligned != 0)
            {
                Block1(job, x, false);
                x += vw - misaligned;
            }
            stream = job.Streaming;
        }
        for (; x + 4 * vw <= xEnd; x += 4 * vw) Block4(job, x, stream);
        for (; x + vw <= xEnd; x += vw) Block1(job, x, stream);
        if (x < xEnd)
        {
            if (xEnd - xStart >= vw) Block1(job, xEnd - vw, false);
            else DepthwiseRowsKernel<float, ScalarOps>.Run(job, x, xEnd);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* p, TVec v, bool relu, bool stream)
    {
        if (relu) v = TOps.Relu(v);
        if (stream) TOps.StoreStreaming(p, v);
        else TOps.Store(p, v);
    }

    private static void Block4(in DepthwiseRowsJob job, int x, bool stream)
    {
        int vw = TOps.Count, kh = job.KH, kw = job.KW, rows = job.ValidRows + kh - 1;
        TVec b = TOps.Broadcast(job.Bias);
        TVec a00 = b, a01 = b, a02 = b, a03 = b;
        TVec a10 = b, a11 = b, a12 = b, a13 = b;
        TVec a20 = b, a21 = b, a22 = b, a23 = b;
        TVec a30 = b, a31 = b, a32 = b, a33 = b;
        for (int r = 0; r < rows; r++)
        {
            float* row = (float*)job.Rows[r] + x;
            for (int kx = 0; kx < kw; kx++)
            {
                float* p = row + job.Columns[kx];
                TVec i0 = TOps.Load(p), i1 = TOps.Load(p + vw), i2 = TOps.Load(p + 2 * vw), i3 = TOps.Load(p + 3 * vw);
                float* w = job.Weights + r * kw + kx; // weight (ky = r − j, kx) is w[−j·kw]
                if (r < kh)
                {
                    TVec wt = TOps.Broadcast(w[0]);
                    a00 = TOps.MultiplyAdd(i0, wt, a00); a01 = TOps.MultiplyAdd(i1, wt, a01); a02 = TOps.MultiplyAdd(i2, wt, a02); a03 = TOps.MultiplyAdd(i3, wt, a03);
                }
                if ((uint)(r - 1) < (uint)kh)
                {
                    TVec wt = TOps.Broadcast(w[-1 * kw]);
                    a10 = TOps.MultiplyAdd(i0, wt, a10); a11 = TOps.MultiplyAdd(i1, wt, a11); a12 = TOps.MultiplyAdd(i2, wt, a12); a13 = TOps.MultiplyAdd(i3, wt, a13);
                }
                if ((uint)(r - 2) < (uint)kh)
                {
                    TVec wt = TOps.Broadcast(w[-2 * kw]);
                    a20 = TOps.MultiplyAdd(i0, wt, a20); a21 = TOps.MultiplyAdd(i1, wt, a21); a22 = TOps.MultiplyAdd(i2, wt, a22); a23 = TOps.MultiplyAdd(i3, wt, a23);
                }
                if ((uint)(r - 3) < (uint)kh)
                {
                    TVec wt = TOps.Broadcast(w[-3 * kw]);
                    a30 = TOps.MultiplyAdd(i0, wt, a30); a31 = TOps.MultiplyAdd(i1, wt, a31); a32 = TOps.MultiplyAdd(i2, wt, a32); a33 = TOps.MultiplyAdd(i3, wt, a33);
                }
            }
        }
        bool relu = job.Relu;
        float* o = job.Output + x;
        Put(o, a00, relu, stream); Put(o + vw, a01, relu, stream); Put(o + 2 * vw, a02, relu, stream); Put(o + 3 * vw, a03, relu, stream);
        if (job.ValidRows <= 1) return;
        o += job.OutRowStride;
        Put(o, a10, relu, stream); Put(o + vw, a11, relu, stream); Put(o + 2 * vw, a12, relu, stream); Put(o + 3 * vw, a13, relu, stream);
        if (job.ValidRows <= 2) return;
        o += job.OutRowStride;
        Put(o, a20, relu, stream); Put(o + vw, a21, relu, stream); Put(o + 2 * vw, a22, relu, stream); Put(o + 3 * vw, a23, relu, stream);
        if (job.ValidRows <= 3) return;
        o += job.OutRowStride;
        Put(o, a30, relu, stream); Put(o + vw, a31, relu, stream); Put(o + 2 * vw, a32, relu, stream); Put(o + 3 * vw, a33, relu, stream);
    }

    private static void Block1(in DepthwiseRowsJob job, int x, bool stream)
    {
        int vw = TOps.Count, kh = job.KH, kw = job.KW, rows = job.ValidRows + kh - 1;
        TVec b = TOps.Broadcast(job.Bias);
        TVec a00 = b;
        TVec a10 = b;
        TVec a20 = b;
        TVec a30 = b;
        for (int r = 0; r < rows; r++)
        {
            float* row = (float*)job.Rows[r] + x;
            for (int kx = 0; kx < kw; kx++)
            {
                float* p = row + job.Columns[kx];
                TVec i0 = TOps.Load(p);
                float* w = job.Weights + r * kw + kx; // weight (ky = r − j, kx) is w[−j·kw]
                if (r < kh)
                {
                    TVec wt = TOps.Broadcast(w[0]);
                    a00 = TOps.MultiplyAdd(i0, wt, a00);
                }
                if ((uint)(r - 1) < (uint)kh)
                {
                    TVec wt = TOps.Broadcast(w[-1 * kw]);
                    a10 = TOps.MultiplyAdd(i0, wt, a10);
                }
                if ((uint)(r - 2) < (uint)kh)
                {
                    TVec wt = TOps.Broadcast(w[-2 * kw]);
                    a20 = TOps.MultiplyAdd(i0, wt, a20);
                }
                if ((uint)(r - 3) < (uint)kh)
                {
                    TVec wt = TOps.Broadcast(w[-3 * kw]);
                    a30 = TOps.MultiplyAdd(i0, wt, a30);
                }
            }
        }
        bool relu = job.Relu;
        float* o = job.Output + x;
        Put(o, a00, relu, stream);
        if (job.ValidRows <= 1) return;
        o += job.OutRowStride;
        Put(o, a10, relu, stream);
        if (job.ValidRows <= 2) return;
        o += job.OutRowStride;
        Put(o, a20, relu, stream);
        if (job.ValidRows <= 3) return;
        o += job.OutRowStride;
        Put(o, a30, relu, stream);
    }
}
