using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ConvStream.Engine.Ops.Pooling;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>One tile row of a Winograd F(m×m, 3×3) convolution: m output rows of every output channel.</summary>
internal readonly unsafe struct WinogradRowJob(
    int tile, nint* rows, int phase, int cin, int cout, float* u, float* bias, bool relu,
    float* v, float* m, int chunk, float* output, int outRows, nint plane, int outW, bool streaming, StreamedRows streamed)
{
    /// <summary>m: output rows and columns per tile, 2 or 4.</summary>
    public readonly int Tile = tile;
    /// <summary>[ci·(m + 2) + r]: padded input row r of the tile row for channel ci, split into m phases (<see cref="PaddedRowLayout"/> at stride m).</summary>
    public readonly nint* Rows = rows;
    /// <summary>Floats from one phase of a row to the next (<see cref="PaddedRowLayout.PhaseLength"/>).</summary>
    public readonly int Phase = phase;
    public readonly int Cin = cin, Cout = cout;
    /// <summary>Transformed weights, <see cref="WinogradWeights"/> layout.</summary>
    public readonly float* U = u;
    public readonly float* Bias = bias;
    public readonly bool Relu = relu;
    /// <summary>Scratch for the transformed inputs ((m + 2)² · Cin rows) and products ((m + 2)² · Cout rows) of one chunk of tiles, each row <see cref="Chunk"/> floats.</summary>
    public readonly float* V = v, M = m;
    public readonly int Chunk = chunk;
    /// <summary>Output channel 0's first row of the tile row; <see cref="OutRows"/> (1..m) rows of it lie in the image.</summary>
    public readonly float* Output = output;
    public readonly int OutRows = outRows;
    public readonly nint Plane = plane;
    public readonly int OutW = outW;
    /// <summary>Vector-aligned output stores are non-temporal (<see cref="StreamingOutput"/>).</summary>
    public readonly bool Streaming = streaming;
    /// <summary>F(4×4)'s streamed output rows, whose lines straddle chunks (<see cref="StreamedRows"/>).</summary>
    public readonly StreamedRows Streamed = streamed;

    /// <summary>
    /// Floats between the V (and M) blocks of consecutive transform positions: one cache line more
    /// than the block, so that the positions a transform writes or reads at once fall into
    /// different L1 sets (at 16 channels × 48 tiles the unskewed stride is 3 KB, which put all 16
    /// of F(2×2, 3×3) into 4 sets; 16→16 1080p, thread CPU time 51 → 47 ms).
    /// </summary>
    public const int Skew = 16;
    public int Positions => (Tile + 2) * (Tile + 2);
    public nint VStride => (nint)Cin * Chunk + Skew;
    public nint MStride => (nint)Cout * Chunk + Skew;
    /// <summary>Output row r (&lt; <see cref="OutRows"/>) of output channel co.</summary>
    public float* OutputRow(int co, int r) => Output + co * Plane + (nint)r * OutW;
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
/// Winograd F(m×m, 3×3) over one tile row, vectorized across tiles (tile t covers output columns
/// m·t … m·t + m − 1). Per chunk of tiles: the input transform <c>V = Bᵀ·d·B</c> of every input
/// channel's (m + 2)² patches (<see cref="WinogradF2{TVec, TOps}"/>, <see cref="WinogradF4{TVec, TOps}"/>),
/// then for each transform position a product of the transformed weights (Cout × Cin) with the
/// transformed inputs (Cin × tiles), register-blocked as <see cref="ConvRowKernel{TVec, TOps}"/>
/// (8 output channels × 3 vectors), then the output transform <c>Y = Aᵀ·M·A</c> with bias and
/// ReLU. F(2×2) does 16 multiplications per input channel for 4 outputs instead of 36 (2.25× fewer
/// multiply-adds than direct), F(4×4) 36 for 16 instead of 144 (4×). Every tile is computed by
/// the same operations whatever the chunking, width tail or band split.
/// </summary>
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
        if (job.Streaming && vw > 1 && job.Tile == 2)
        {
            // Streaming stores need vector-aligned addresses: one vector of tiles first, then the
            // chunks from the first tile whose output column is aligned (an array's data usually
            // starts 16 bytes past a line). Overlapped tiles are recomputed identically. F(4×4)
            // streams through StreamedRows instead: its tiles' columns cannot reach every alignment.
            int misaligned = (int)((nint)job.Output / sizeof(float) % vw);
            int lead = misaligned % job.Tile == 0 ? (vw - misaligned) % vw / job.Tile : 0;
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
        if (job.Tile == 4) WinogradF4<TVec, TOps>.InputTransform(job, t0, vectors);
        else WinogradF2<TVec, TOps>.InputTransform(job, t0, vectors);
        for (int ij = 0; ij < job.Positions; ij++) Product(job, ij, vectors);
        if (job.Tile == 4) WinogradF4<TVec, TOps>.OutputTransform(job, t0, vectors);
        else WinogradF2<TVec, TOps>.OutputTransform(job, t0, vectors);
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

    /// <summary>
    /// Writes output columns x, x+1, … x + 2·lanes − 1 (even and odd interleaved), none at or past
    /// <paramref name="outW"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Put(float* row, int x, int outW, TVec even, TVec odd, float* lanes, bool stream)
    {
        int vw = TOps.Count;
        if (x + 2 * vw <= outW && Zip(even, odd, out TVec low, out TVec high))
        {
            float* p = row + x;
            Store(p, low, stream);
            Store(p + vw, high, stream);
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

    /// <summary>
    /// Writes output columns x … x + 4·lanes − 1 (column j of each tile from <paramref name="y0"/>
    /// … <paramref name="y3"/>, interleaved), none at or past <paramref name="outW"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Put4(float* row, int x, int outW, TVec y0, TVec y1, TVec y2, TVec y3, float* lanes, bool stream)
    {
        int vw = TOps.Count;
        if (x + 4 * vw <= outW && Zip(y0, y2, out TVec p0, out TVec p1))
        {
            // [y0 y2] and [y1 y3] interleaved, then those two: y0 y1 y2 y3 of tile 0, of tile 1, …
            Zip(y1, y3, out TVec q0, out TVec q1);
            Zip(p0, q0, out TVec r0, out TVec r1);
            Zip(p1, q1, out TVec r2, out TVec r3);
            float* p = row + x;
            Store(p, r0, stream);
            Store(p + vw, r1, stream);
            Store(p + 2 * vw, r2, stream);
            Store(p + 3 * vw, r3, stream);
            return;
        }
        TOps.Store(lanes, y0);
        TOps.Store(lanes + 16, y1);
        TOps.Store(lanes + 32, y2);
        TOps.Store(lanes + 48, y3);
        for (int l = 0; l < vw; l++)
            for (int j = 0; j < 4 && x + 4 * l + j < outW; j++) row[x + 4 * l + j] = lanes[16 * j + l];
    }

    /// <summary>
    /// Streaming where asked and the address allows it: a 16-channel 1080p output is 133 MB, and
    /// ordinary stores read every line first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* p, TVec v, bool stream)
    {
        if (stream && (nint)p % (TOps.Count * sizeof(float)) == 0) TOps.StoreStreaming(p, v);
        else TOps.Store(p, v);
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
