using System.Runtime.CompilerServices;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// The transforms of Winograd F(4×4, 3×3) (<see cref="WinogradKernel{TVec, TOps}"/>; Lavin and
/// Gray's points 0, ±1, ±2, ∞), with
/// <c>Bᵀ = [[4,0,−5,0,1,0], [0,−4,−4,1,1,0], [0,4,−4,−1,1,0], [0,−2,−1,2,1,0], [0,2,−1,−2,1,0], [0,4,0,−5,0,1]]</c>
/// and <c>Aᵀ = [[1,1,1,1,1,0], [0,1,−1,2,−2,0], [0,1,1,4,4,0], [0,1,−1,8,−8,1]]</c>. Each 2-D
/// transform runs down the columns into a small stack block, then along its rows (36 values do
/// not fit in registers). A tile's rows and columns past the image hold zeros or border samples
/// (<see cref="PaddedRowLayout"/>'s minimum phase length, the ring's border rows): finite values
/// that round into the tile's stored outputs like any other input.
/// </summary>
internal static unsafe class WinogradF4<TVec, TOps>
    where TVec : unmanaged
    where TOps : ISimdOps<TVec>
{
    /// <summary><c>o = Bᵀ·d</c> for one column (or row) of six values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputColumn(TVec d0, TVec d1, TVec d2, TVec d3, TVec d4, TVec d5, float* o, nint stride)
    {
        TVec minus4 = TOps.Broadcast(-4), minus5 = TOps.Broadcast(-5), four = TOps.Broadcast(4), two = TOps.Broadcast(2);
        TVec t0 = TOps.MultiplyAdd(d2, minus4, d4), t1 = TOps.MultiplyAdd(d1, minus4, d3);
        TVec t2 = TOps.Subtract(d4, d2), t3 = TOps.Multiply(TOps.Subtract(d3, d1), two);
        TOps.Store(o, TOps.MultiplyAdd(d0, four, TOps.MultiplyAdd(d2, minus5, d4)));
        TOps.Store(o + stride, TOps.Add(t0, t1));
        TOps.Store(o + 2 * stride, TOps.Subtract(t0, t1));
        TOps.Store(o + 3 * stride, TOps.Add(t2, t3));
        TOps.Store(o + 4 * stride, TOps.Subtract(t2, t3));
        TOps.Store(o + 5 * stride, TOps.MultiplyAdd(d1, four, TOps.MultiplyAdd(d3, minus5, d5)));
    }

    public static void InputTransform(in WinogradRowJob job, int t0, int vectors)
    {
        int vw = TOps.Count;
        nint phase = job.Phase, chunk = job.Chunk, ij = job.VStride;
        float* block = stackalloc float[36 * 16]; // [i][c]: column c after the column transform, vw floats each
        for (int ci = 0; ci < job.Cin; ci++)
        {
            nint* rows = job.Rows + 6 * ci;
            float* r0 = (float*)rows[0], r1 = (float*)rows[1], r2 = (float*)rows[2], r3 = (float*)rows[3], r4 = (float*)rows[4], r5 = (float*)rows[5];
            for (int k = 0; k < vectors; k++)
            {
                int x = t0 + k * vw;
                for (int c = 0; c < 6; c++)
                {
                    // Column c of tile t is padded sample 4t + c: phase c mod 4, element t + c / 4.
                    nint at = (c & 3) * phase + x + (c >> 2);
                    InputColumn(TOps.Load(r0 + at), TOps.Load(r1 + at), TOps.Load(r2 + at), TOps.Load(r3 + at), TOps.Load(r4 + at), TOps.Load(r5 + at),
                        block + c * vw, 6 * vw);
                }
                float* v = job.V + ci * chunk + k * vw;
                for (int i = 0; i < 6; i++)
                {
                    float* b = block + 6 * i * vw;
                    InputColumn(TOps.Load(b), TOps.Load(b + vw), TOps.Load(b + 2 * vw), TOps.Load(b + 3 * vw), TOps.Load(b + 4 * vw), TOps.Load(b + 5 * vw),
                        v + 6 * i * ij, ij);
                }
            }
        }
    }

    /// <summary><c>y = Aᵀ·m</c> for one column (or row) of six values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputColumn(TVec m0, TVec m1, TVec m2, TVec m3, TVec m4, TVec m5, out TVec y0, out TVec y1, out TVec y2, out TVec y3)
    {
        TVec s12 = TOps.Add(m1, m2), d12 = TOps.Subtract(m1, m2), s34 = TOps.Add(m3, m4), d34 = TOps.Subtract(m3, m4);
        y0 = TOps.Add(TOps.Add(m0, s12), s34);
        y1 = TOps.MultiplyAdd(d34, TOps.Broadcast(2), d12);
        y2 = TOps.MultiplyAdd(s34, TOps.Broadcast(4), s12);
        y3 = TOps.Add(TOps.MultiplyAdd(d34, TOps.Broadcast(8), d12), m5);
    }

    /// <summary>
    /// Streaming output goes through a small staging block per output channel, then whole lines
    /// (<see cref="StreamedRows"/>): a tile's first column is a multiple of 4, and a tensor's data
    /// usually starts 8 or 24 bytes past a line, so the tiles' own vectors would never be aligned
    /// for streaming stores (16→16 1080p, thread CPU time: the output transform took 17.6 ms with
    /// ordinary stores against 7.6 for F(2×2)'s streaming ones).
    /// </summary>
    public static void OutputTransform(in WinogradRowJob job, int t0, int vectors)
    {
        int vw = TOps.Count;
        nint chunk = job.Chunk, ij = job.MStride;
        bool staging = job.Streaming && vw > 1;
        int columns = 4 * vectors * vw, stride = 4 * WinogradKernel<TVec, TOps>.Wide * 16;
        float* lanes = stackalloc float[4 * 16];
        float* staged = stackalloc float[staging ? 4 * stride : 1]; // [r]: the chunk's columns of output row r
        for (int co = 0; co < job.Cout; co++)
        {
            TVec bias = job.Bias == null ? default : TOps.Broadcast(job.Bias[co]);
            for (int k = 0; k < vectors; k++)
            {
                float* m = job.M + co * chunk + k * vw;
                // The column transform of the six columns, held in registers (24 values).
                Column(m, ij, out var a0, out var b0, out var c0, out var d0);
                Column(m + ij, ij, out var a1, out var b1, out var c1, out var d1);
                Column(m + 2 * ij, ij, out var a2, out var b2, out var c2, out var d2);
                Column(m + 3 * ij, ij, out var a3, out var b3, out var c3, out var d3);
                Column(m + 4 * ij, ij, out var a4, out var b4, out var c4, out var d4);
                Column(m + 5 * ij, ij, out var a5, out var b5, out var c5, out var d5);
                int x = 4 * (t0 + k * vw);
                float* row = staging ? staged : job.OutputRow(co, 0);
                int at = staging ? 4 * k * vw : x, outW = staging ? int.MaxValue : job.OutW;
                nint rowStride = staging ? stride : job.OutW;
                RowOut(a0, a1, a2, a3, a4, a5, bias, job.Relu, row, at, outW, lanes);
                if (job.OutRows > 1) RowOut(b0, b1, b2, b3, b4, b5, bias, job.Relu, row + rowStride, at, outW, lanes);
                if (job.OutRows > 2) RowOut(c0, c1, c2, c3, c4, c5, bias, job.Relu, row + 2 * rowStride, at, outW, lanes);
                if (job.OutRows > 3) RowOut(d0, d1, d2, d3, d4, d5, bias, job.Relu, row + 3 * rowStride, at, outW, lanes);
            }
            if (staging)
                for (int r = 0; r < job.OutRows; r++)
                    job.Streamed.Commit<TVec, TOps>(4 * co + r, job.OutputRow(co, r), staged + r * stride, 4 * t0, Math.Min(4 * t0 + columns, job.OutW), job.OutW);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(float* c, nint ij, out TVec y0, out TVec y1, out TVec y2, out TVec y3)
        => OutputColumn(TOps.Load(c), TOps.Load(c + 6 * ij), TOps.Load(c + 12 * ij), TOps.Load(c + 18 * ij), TOps.Load(c + 24 * ij), TOps.Load(c + 30 * ij),
            out y0, out y1, out y2, out y3);

    /// <summary>The row transform of one output row, bias and ReLU, written at columns x … of <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowOut(TVec m0, TVec m1, TVec m2, TVec m3, TVec m4, TVec m5, TVec bias, bool relu, float* row, int x, int outW, float* lanes)
    {
        OutputColumn(m0, m1, m2, m3, m4, m5, out var y0, out var y1, out var y2, out var y3);
        WinogradKernel<TVec, TOps>.Put4(row, x, outW, Finish(y0, bias, relu), Finish(y1, bias, relu), Finish(y2, bias, relu), Finish(y3, bias, relu), lanes, stream: false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Finish(TVec y, TVec bias, bool relu)
    {
        y = TOps.Add(y, bias);
        return relu ? TOps.Relu(y) : y;
    }
}
