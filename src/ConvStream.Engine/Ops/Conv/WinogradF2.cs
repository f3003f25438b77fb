using System.Runtime.CompilerServices;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// The transforms of Winograd F(2×2, 3×3) (<see cref="WinogradKernel{TVec, TOps}"/>), with
/// <c>Bᵀ = [[1,0,−1,0], [0,1,1,0], [0,−1,1,0], [0,1,0,−1]]</c> and <c>Aᵀ = [[1,1,1,0], [0,1,−1,−1]]</c>.
/// </summary>
/// <remarks>
/// Output row 0 and column 0 never read transform position 3, so the padded row or column past
/// the image that an odd output height or width makes the last tile read cannot reach a stored value.
/// </remarks>
internal static unsafe class WinogradF2<TVec, TOps>
    where TVec : unmanaged
    where TOps : ISimdOps<TVec>
{
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

    public static void InputTransform(in WinogradRowJob job, int t0, int vectors)
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

    public static void OutputTransform(in WinogradRowJob job, int t0, int vectors)
    {
        int vw = TOps.Count;
        nint chunk = job.Chunk, ij = job.MStride;
        float* lanes = stackalloc float[2 * 16];
        for (int co = 0; co < job.Cout; co++)
        {
            TVec bias = job.Bias == null ? default : TOps.Broadcast(job.Bias[co]);
            float* o0 = job.OutputRow(co, 0);
            float* o1 = job.OutRows < 2 ? null : job.OutputRow(co, 1);
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
                WinogradKernel<TVec, TOps>.Put(o0, x, job.OutW, Finish(r00, r01, r02, bias, job.Relu, even: true), Finish(r01, r02, r03, bias, job.Relu, even: false), lanes, job.Streaming);
                if (o1 == null) continue;
                TVec r10 = TOps.Subtract(TOps.Subtract(m10, m20), TOps.Load(m + 12 * ij));
                TVec r11 = TOps.Subtract(TOps.Subtract(m11, m21), TOps.Load(m + 13 * ij));
                TVec r12 = TOps.Subtract(TOps.Subtract(m12, m22), TOps.Load(m + 14 * ij));
                TVec r13 = TOps.Subtract(TOps.Subtract(m13, m23), TOps.Load(m + 15 * ij));
                WinogradKernel<TVec, TOps>.Put(o1, x, job.OutW, Finish(r10, r11, r12, bias, job.Relu, even: true), Finish(r11, r12, r13, bias, job.Relu, even: false), lanes, job.Streaming);
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
}
