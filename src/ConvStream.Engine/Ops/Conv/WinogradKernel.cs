using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ConvStream.Engine.Ops.Pooling;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>One tile row of a Winograd F(2×2, 3×3) convolution: two output rows of every output channel.</summary>
internal readonly unsafe struct WinogradRowJob(
    nint* rows, int phase, int cin, int cout, float* u, float* bias, bool relu,
    float* v, float* m, int chunk, float* out0, float* out1, nint plane, int outW, bool streaming)
{
    /// <summary>[ci·4 + r]: padded input row r of the tile row for channel ci, split into its even then odd samples.</summary>
    public readonly nint* Rows = rows;
    /// <summary>Where a row's odd samples start (<see cref="PaddedRowLayout.PhaseLength"/>).</summary>
    public readonly int Phase = phase;
    public readonly int Cin = cin, Cout = cout;
    /// <summary>Transformed weights, <see cref="WinogradWeights"/> layout.</summary>
    public readonly float* U = u;
    public readonly float* Bias = bias;
    public readonly bool Relu = relu;
    /// <summary>Scratch for the transformed inputs (16 · Cin rows) and products (16 · Cout rows) of one chunk of tiles, each row <see cref="Chunk"/> floats.</summary>
    public readonly float* V = v, M = m;
    public readonly int Chunk = chunk;
    /// <summary>Output channel 0's rows 2·ty and 2·ty + 1 (null past the last output row).</summary>
    public readonly float* Out0 = out0, Out1 = out1;
    public readonly nint Plane = plane;
    public readonly int OutW = outW;
    /// <summary>Vector-aligned output stores are non-temporal (<see cref="StreamingOutput"/>).</summary>
    public readonly bool Streaming = streaming;

    /// <summary>
    /// Floats between the V (and M) blocks of consecutive transform positions: one cache line more
    /// than the block, so that the 16 positions a transform writes or reads at once fall into
    /// different L1 sets (at 16 channels × 48 tiles the unskewed stride is 3 KB, which put all 16
    /// into 4 sets; 16→16 1080p, thread CPU time 51 → 47 ms).
    /// </summary>
    public const int Skew = 16;
    public nint VStride => (nint)Cin * Chunk + Skew;
    public nint MStride => (nint)Cout * Chunk + Skew;
}

/// <summary>Runs a <see cref="WinogradRowJob"/> at the SIMD level in force.</summary>
internal static unsafe class WinogradKernel
{
    /// <summary>Floats per scratch row: the widest chunk of tiles (3 vectors of 16 lanes).</summary>
    public const int ChunkFloats = WinogradKernel<Vector512<float>, V512Ops>.Wide * 16;

    public static void Run(in WinogradRowJob job, int tiles, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.V512: WinogradKernel<Vector512<float>, V512Ops>.Row(job, tiles); break;
            case SimdLevel.V256: WinogradKernel<Vector256<float>, V256Ops>.Row(job, tiles); break;
            case SimdLevel.V128: WinogradKernel<Vector128<float>, V128Ops>.Row(job, tiles); break;
            default: WinogradKernel<float, ScalarOps>.Row(job, tiles); break;
        }
    }
}

/// <summary>
/// Winograd F(2×2, 3×3) over one tile row, vectorized across tiles (tile t covers output columns
/// 2t, 2t + 1). Per chunk of tiles: the input transform <c>V = Bᵀ·d·B</c> of every input channel's
/// 4×4 patches, then for each of the 16 transform positions a product of the transformed weights
/// (Cout × Cin) with the transformed inputs (Cin × tiles), register-blocked as
/// <see cref="ConvRowKernel{TVec, TOps}"/> (8 output channels × 3 vectors), then the output
/// transform <c>Y = Aᵀ·M·A</c> with bias and ReLU. 16 multiplications per input channel give 4
/// outputs instead of 36: 2.25× fewer multiply-adds than direct. Every tile is computed by the
/// same operations whatever the chunking, width tail or band split.
/// </summary>
/// <remarks>
/// With <c>Bᵀ = [[1,0,−1,0], [0,1,1,0], [0,−1,1,0], [0,1,0,−1]]</c> and <c>Aᵀ = [[1,1,1,0], [0,1,−1,−1]]</c>.
/// Output row 0 and column 0 never read transform position 3, so the padded row or column past
/// the image that an odd output height or width makes the last tile read cannot reach a stored value.
/// </remarks>
internal static unsafe class WinogradKernel<TVec, TOps>
    where TVec : unmanaged
    where TOps : ISimdOps<TVec>
{
    /// <summary>Vectors of tiles per chunk: 8 channels × 3 vectors = 24 accumulators, as the direct kernel.</summary>
    public const int Wide = 3;

    public static void Row(in WinogradRowJob job, int tiles)
    {
        int vw = TOps.Count;
        if (tiles < vw) { WinogradKernel<float, ScalarOps>.Row(job, tiles); return; }
        int t = 0;
        if (job.Streaming && vw > 1)
        {
            // Streaming stores need vector-aligned addresses: one vector of tiles first, then the
            // chunks from the first tile whose output column is aligned (an array's data usually
            // starts 16 bytes past a line). Overlapped tiles are recomputed identically.
            int misaligned = (int)((nint)job.Out0 / sizeof(float) % vw);
            int lead = misaligned % 2 == 0 ? (vw - misaligned) % vw / 2 : 0;
            if (lead > 0 && tiles >= lead + Wide * vw)
            {
                Chunk(job, 0, 1);
                t = lead;
            }
        }
        for (; t + Wide * vw <= tiles; t += Wide * vw) Chunk(job, t, Wide);
        for (; t + vw <= tiles; t += vw) Chunk(job, t, 1);
        // The tail: one vector ending at the last tile, recomputing a few tiles identically.
        if (t < tiles) Chunk(job, tiles - vw, 1);
    }

    private static void Chunk(in WinogradRowJob job, int t0, int vectors)
    {
        InputTransform(job, t0, vectors);
        for (int ij = 0; ij < 16; ij++) Product(job, ij, vectors);
        OutputTransform(job, t0, vectors);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns(float* row, nint phase, int x, out TVec c0, out TVec c1, out TVec c2, out TVec c3)
    {
        TVec d0 = TOps.Load(row + x), d1 = TOps.Load(row + phase + x), d2 = TOps.Load(row + x + 1), d3 = TOps.Load(row + phase + x + 1);
        c0 = TOps.Subtract(d0, d2); c1 = TOps.Add(d1, d2); c2 = TOps.Subtract(d2, d1); c3 = TOps.Subtract(d1, d3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* p, nint stride, TVec x0, TVec x1, TVec x2, TVec x3)
    {
        TOps.Store(p, x0); TOps.Store(p + stride, x1); TOps.Store(p + 2 * stride, x2); TOps.Store(p + 3 * stride, x3);
    }

    private static void InputTransform(in WinogradRowJob job, int t0, int vectors)
    {
        int vw = TOps.Count;
        nint phase = job.Phase, chunk = job.Chunk, ij = job.VStride;
        for (int ci = 0; ci < job.Cin; ci++)
        {
            float* r0 = (float*)job.Rows[4 * ci], r1 = (float*)job.Rows[4 * ci + 1], r2 = (float*)job.Rows[4 * ci + 2], r3 = (float*)job.Rows[4 * ci + 3];
            for (int k = 0; k < vectors; k++)
            {
                int x = t0 + k * vw;
                Columns(r0, phase, x, out var a0, out var a1, out var a2, out var a3);
                Columns(r1, phase, x, out var b0, out var b1, out var b2, out var b3);
                Columns(r2, phase, x, out var c0, out var c1, out var c2, out var c3);
                Columns(r3, phase, x, out var d0, out var d1, out var d2, out var d3);
                float* v = job.V + ci * chunk + k * vw;
                Store4(v, ij, TOps.Subtract(a0, c0), TOps.Subtract(a1, c1), TOps.Subtract(a2, c2), TOps.Subtract(a3, c3));
                v += 4 * ij;
                Store4(v, ij, TOps.Add(b0, c0), TOps.Add(b1, c1), TOps.Add(b2, c2), TOps.Add(b3, c3));
                v += 4 * ij;
                Store4(v, ij, TOps.Subtract(c0, b0), TOps.Subtract(c1, b1), TOps.Subtract(c2, b2), TOps.Subtract(c3, b3));
                v += 4 * ij;
                Store4(v, ij, TOps.Subtract(b0, d0), TOps.Subtract(b1, d1), TOps.Subtract(b2, d2), TOps.Subtract(b3, d3));
            }
        }
    }

    /// <summary>M[ij] = U[ij] (Cout × Cin) · V[ij] (Cin × tiles), each sum over ci in order.</summary>
    private static void Product(in WinogradRowJob job, int ij, int vectors)
    {
        int vw = TOps.Count, cin = job.Cin, cout = job.Cout;
        nint chunk = job.Chunk;
        float* u = job.U + (nint)ij * cout * cin;
        float* v = job.V + ij * job.VStride;
        float* m = job.M + ij * job.MStride;
        int co = 0;
        for (; co + 8 <= cout; co += 8, u += 8 * cin)
        {
            if (vectors == Wide) Block8x3(u, v, m + co * chunk, cin, chunk);
            else Block8x1(u, v, m + co * chunk, cin, chunk);
        }
        for (; co < cout; co++, u += cin)
            for (int k = 0; k < vectors; k++)
            {
                TVec a = default;
                for (int ci = 0; ci < cin; ci++) a = TOps.MultiplyAdd(TOps.Load(v + ci * chunk + k * vw), TOps.Broadcast(u[ci]), a);
                TOps.Store(m + co * chunk + k * vw, a);
            }
    }

    private static void Block8x3(float* u, float* v, float* m, int cin, nint chunk)
    {
        int vw = TOps.Count;
        TVec a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        TVec a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        TVec a40 = default, a41 = default, a42 = default, a50 = default, a51 = default, a52 = default;
        TVec a60 = default, a61 = default, a62 = default, a70 = default, a71 = default, a72 = default;
        for (int ci = 0; ci < cin; ci++, u += 8, v += chunk)
        {
            TVec i0 = TOps.Load(v), i1 = TOps.Load(v + vw), i2 = TOps.Load(v + 2 * vw);
            TVec w = TOps.Broadcast(u[0]);
            a00 = TOps.MultiplyAdd(i0, w, a00); a01 = TOps.MultiplyAdd(i1, w, a01); a02 = TOps.MultiplyAdd(i2, w, a02);
            w = TOps.Broadcast(u[1]);
            a10 = TOps.MultiplyAdd(i0, w, a10); a11 = TOps.MultiplyAdd(i1, w, a11); a12 = TOps.MultiplyAdd(i2, w, a12);
            w = TOps.Broadcast(u[2]);
            a20 = TOps.MultiplyAdd(i0, w, a20); a21 = TOps.MultiplyAdd(i1, w, a21); a22 = TOps.MultiplyAdd(i2, w, a22);
            w = TOps.Broadcast(u[3]);
            a30 = TOps.MultiplyAdd(i0, w, a30); a31 = TOps.MultiplyAdd(i1, w, a31); a32 = TOps.MultiplyAdd(i2, w, a32);
            w = TOps.Broadcast(u[4]);
            a40 = TOps.MultiplyAdd(i0, w, a40); a41 = TOps.MultiplyAdd(i1, w, a41); a42 = TOps.MultiplyAdd(i2, w, a42);
            w = TOps.Broadcast(u[5]);
            a50 = TOps.MultiplyAdd(i0, w, a50); a51 = TOps.MultiplyAdd(i1, w, a51); a52 = TOps.MultiplyAdd(i2, w, a52);
            w = TOps.Broadcast(u[6]);
            a60 = TOps.MultiplyAdd(i0, w, a60); a61 = TOps.MultiplyAdd(i1, w, a61); a62 = TOps.MultiplyAdd(i2, w, a62);
            w = TOps.Broadcast(u[7]);
            a70 = TOps.MultiplyAdd(i0, w, a70); a71 = TOps.MultiplyAdd(i1, w, a71); a72 = TOps.MultiplyAdd(i2, w, a72);
        }
        Store3(m, vw, a00, a01, a02); m += chunk;
        Store3(m, vw, a10, a11, a12); m += chunk;
        Store3(m, vw, a20, a21, a22); m += chunk;
        Store3(m, vw, a30, a31, a32); m += chunk;
        Store3(m, vw, a40, a41, a42); m += chunk;
        Store3(m, vw, a50, a51, a52); m += chunk;
        Store3(m, vw, a60, a61, a62); m += chunk;
        Store3(m, vw, a70, a71, a72);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3(float* p, int vw, TVec x0, TVec x1, TVec x2)
    {
        TOps.Store(p, x0); TOps.Store(p + vw, x1); TOps.Store(p + 2 * vw, x2);
    }

    private static void Block8x1(float* u, float* v, float* m, int cin, nint chunk)
    {
        TVec a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int ci = 0; ci < cin; ci++, u += 8, v += chunk)
        {
            TVec i0 = TOps.Load(v);
            a0 = TOps.MultiplyAdd(i0, TOps.Broadcast(u[0]), a0);
            a1 = TOps.MultiplyAdd(i0, TOps.Broadcast(u[1]), a1);
            a2 = TOps.MultiplyAdd(i0, TOps.Broadcast(u[2]), a2);
            a3 = TOps.MultiplyAdd(i0, TOps.Broadcast(u[3]), a3);
            a4 = TOps.MultiplyAdd(i0, TOps.Broadcast(u[4]), a4);
            a5 = TOps.MultiplyAdd(i0, TOps.Broadcast(u[5]), a5);
            a6 = TOps.MultiplyAdd(i0, TOps.Broadcast(u[6]), a6);
            a7 = TOps.MultiplyAdd(i0, TOps.Broadcast(u[7]), a7);
        }
        TOps.Store(m, a0); TOps.Store(m + chunk, a1); TOps.Store(m + 2 * chunk, a2); TOps.Store(m + 3 * chunk, a3);
        TOps.Store(m + 4 * chunk, a4); TOps.Store(m + 5 * chunk, a5); TOps.Store(m + 6 * chunk, a6); TOps.Store(m + 7 * chunk, a7);
    }

    private static void OutputTransform(in WinogradRowJob job, int t0, int vectors)
    {
        int vw = TOps.Count;
        nint chunk = job.Chunk, ij = job.MStride;
        float* lanes = stackalloc float[2 * 16];
        for (int co = 0; co < job.Cout; co++)
        {
            TVec bias = job.Bias == null ? default : TOps.Broadcast(job.Bias[co]);
            float* o0 = job.Out0 + co * job.Plane;
            float* o1 = job.Out1 == null ? null : job.Out1 + co * job.Plane;
            for (int k = 0; k < vectors; k++)
            {
                float* m = job.M + co * chunk + k * vw;
                // Rows: r0 = m0 + m1 + m2, r1 = m1 − m2 − m3 (per column j).
                TVec m10 = TOps.Load(m + 4 * ij), m11 = TOps.Load(m + 5 * ij), m12 = TOps.Load(m + 6 * ij), m13 = TOps.Load(m + 7 * ij);
                TVec m20 = TOps.Load(m + 8 * ij), m21 = TOps.Load(m + 9 * ij), m22 = TOps.Load(m + 10 * ij), m23 = TOps.Load(m + 11 * ij);
                TVec r00 = TOps.Add(TOps.Add(TOps.Load(m), m10), m20);
                TVec r01 = TOps.Add(TOps.Add(TOps.Load(m + ij), m11), m21);
                TVec r02 = TOps.Add(TOps.Add(TOps.Load(m + 2 * ij), m12), m22);
                TVec r03 = TOps.Add(TOps.Add(TOps.Load(m + 3 * ij), m13), m23);
                int x = 2 * (t0 + k * vw);
                Put(o0, x, job.OutW, Finish(r00, r01, r02, bias, job.Relu, even: true), Finish(r01, r02, r03, bias, job.Relu, even: false), lanes, job.Streaming);
                if (o1 == null) continue;
                TVec r10 = TOps.Subtract(TOps.Subtract(m10, m20), TOps.Load(m + 12 * ij));
                TVec r11 = TOps.Subtract(TOps.Subtract(m11, m21), TOps.Load(m + 13 * ij));
                TVec r12 = TOps.Subtract(TOps.Subtract(m12, m22), TOps.Load(m + 14 * ij));
                TVec r13 = TOps.Subtract(TOps.Subtract(m13, m23), TOps.Load(m + 15 * ij));
                Put(o1, x, job.OutW, Finish(r10, r11, r12, bias, job.Relu, even: true), Finish(r11, r12, r13, bias, job.Relu, even: false), lanes, job.Streaming);
            }
        }
    }

    /// <summary>Column 0 (even) is <c>c0 + c1 + c2</c>, column 1 (odd) <c>c0 − c1 − c2</c> of (r1, r2, r3); then bias and ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Finish(TVec a, TVec b, TVec c, TVec bias, bool relu, bool even)
    {
        TVec y = even ? TOps.Add(TOps.Add(a, b), c) : TOps.Subtract(TOps.Subtract(a, b), c);
        y = TOps.Add(y, bias);
        return relu ? TOps.Relu(y) : y;
    }

    /// <summary>
    /// Writes output columns x, x+1, … x + 2·lanes − 1 (even and odd interleaved), none at or past
    /// <paramref name="outW"/>. Streaming, where the address allows it: a 16-channel 1080p output
    /// is 133 MB, and ordinary stores read every line first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* row, int x, int outW, TVec even, TVec odd, float* lanes, bool stream)
    {
        int vw = TOps.Count;
        if (x + 2 * vw <= outW && Zip(even, odd, out TVec low, out TVec high))
        {
            float* p = row + x;
            if (stream && (nint)p % (vw * sizeof(float)) == 0)
            {
                TOps.StoreStreaming(p, low);
                TOps.StoreStreaming(p + vw, high);
            }
            else
            {
                TOps.Store(p, low);
                TOps.Store(p + vw, high);
            }
            return;
        }
        TOps.Store(lanes, even);
        TOps.Store(lanes + 16, odd);
        for (int l = 0; l < vw && x + 2 * l < outW; l++)
        {
            row[x + 2 * l] = lanes[l];
            if (x + 2 * l + 1 < outW) row[x + 2 * l + 1] = lanes[16 + l];
        }
    }

    /// <summary>Interleaves even and odd lanes (<see cref="ISimdOps{TVec}.Zip"/>); false where this CPU has no such shuffle.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Zip(TVec even, TVec odd, out TVec low, out TVec high)
    {
        bool shuffles = typeof(TVec) == typeof(float)
            || (typeof(TVec) == typeof(Vector512<float>) && Avx512F.IsSupported)
            || (typeof(TVec) == typeof(Vector256<float>) && Avx.IsSupported)
            || (typeof(TVec) == typeof(Vector128<float>) && Sse.IsSupported);
        if (!shuffles) { low = high = default; return false; }
        (low, high) = TOps.Zip(even, odd);
        return true;
    }
}
