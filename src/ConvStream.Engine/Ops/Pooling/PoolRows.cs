using System.Runtime.CompilerServices;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Pooling;

/// <summary>
/// The row loops of pooling, written once for every operator and width. A window is folded in
/// two passes that both stream contiguous memory: down the window's rows into a padded row
/// (<see cref="CombineInto{T}"/>), then across it (<see cref="Across{T}"/>). Each loop is an
/// <see cref="IRowKernel"/> that <see cref="RowLadder"/> runs at every width, ending in scalar.
/// </summary>
internal static class PoolRows
{
    /// <summary><c>acc[i] = T.Combine(acc[i], row[i])</c>.</summary>
    public static unsafe void CombineInto<T>(Span<float> acc, ReadOnlySpan<float> row, SimdLevel level) where T : struct, IPoolReduce
    {
        fixed (float* a = acc, r = row)
        {
            var kernel = new CombineKernel<T>(a, r);
            RowLadder.Run(kernel, acc.Length, level);
        }
    }

    private readonly unsafe struct CombineKernel<T>(float* acc, float* row) : IRowKernel where T : struct, IPoolReduce
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
            => TOps.Store(acc + x, T.Combine<TVec, TOps>(TOps.Load(acc + x), TOps.Load(row + x)));
    }

    /// <summary>Stride 1 of <see cref="Across{T}"/>: <c>output[ox] = fold over k of padded[ox + k·dilation]</c>.</summary>
    private readonly unsafe struct AcrossKernel<T>(float* padded, float* output, int kernel, int dilation) : IRowKernel where T : struct, IPoolReduce
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            TVec v = TOps.Load(padded + x);
            for (int k = 1; k < kernel; k++) v = T.Combine<TVec, TOps>(v, TOps.Load(padded + x + k * dilation));
            TOps.Store(output + x, v);
        }
    }

    /// <summary>
    /// <c>output[ox] = fold over kx of padded[ox·stride + kx·dilation]</c>. <paramref name="padded"/>
    /// must hold every index that formula reaches plus one vector of slack (stride-2 loads read
    /// a pair of vectors).
    /// </summary>
    public static unsafe void Across<T>(ReadOnlySpan<float> padded, Span<float> output, int kernel, int stride, int dilation, SimdLevel level)
        where T : struct, IPoolReduce
    {
        int n = output.Length;
        fixed (float* pt = padded, po = output)
        {
            if (stride == 1)
            {
                var k = new AcrossKernel<T>(pt, po, kernel, dilation);
                RowLadder.Run(k, n, level);
                return;
            }
            if (stride == 2)
            {
                var k = new AcrossStride2Kernel<T>(pt, po, kernel, dilation);
                RowLadder.Run(k, n, PairShuffles.Level(level));
                return;
            }
        }
        for (int ox = 0; ox < n; ox++)
        {
            int b = ox * stride;
            float v = padded[b];
            for (int k = 1; k < kernel; k++) v = T.Combine(v, padded[b + k * dilation]);
            output[ox] = v;
        }
    }

    /// <summary>Stride 2 of <see cref="Across{T}"/>: each tap's samples are the evens of two vectors.</summary>
    private readonly unsafe struct AcrossStride2Kernel<T>(float* padded, float* output, int kernel, int dilation) : IRowKernel where T : struct, IPoolReduce
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            float* b = padded + 2 * x;
            TVec v = TOps.EvensPermuted(TOps.Load(b), TOps.Load(b + TOps.Count));
            for (int k = 1; k < kernel; k++)
            {
                float* at = b + k * dilation;
                v = T.Combine<TVec, TOps>(v, TOps.EvensPermuted(TOps.Load(at), TOps.Load(at + TOps.Count)));
            }
            // The fold is per element, so one permutation fix after it serves every tap.
            TOps.Store(output + x, TOps.Unpermute(v));
        }
    }

    /// <summary>
    /// The 2×2 stride-2 window without padding, straight from two input rows (no padded row):
    /// fold the rows, then fold each even/odd pair with shuffles. Writes <c>output.Length</c>
    /// complete windows (the rows must hold 2·output.Length samples); the average divides by 4
    /// (a multiply by 0.25 is exactly that).
    /// </summary>
    public static unsafe void Pair2x2<T>(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, Span<float> output, bool average, SimdLevel level)
        where T : struct, IPoolReduce
    {
        fixed (float* r0 = row0, r1 = row1, o = output)
        {
            var k = new Pair2x2Kernel<T>(r0, r1, o, average);
            RowLadder.Run(k, output.Length, PairShuffles.Level(level));
        }
    }

    private readonly unsafe struct Pair2x2Kernel<T>(float* row0, float* row1, float* output, bool average) : IRowKernel where T : struct, IPoolReduce
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            int b = 2 * x;
            if (TOps.Count == 1)
            {
                // The scalar lane keeps the scalar loop's order (each row's pair first, then the rows):
                // a sum of four can round differently in the vectors' order, and each path keeps its bits.
                float s = T.Combine(T.Combine(row0[b], row0[b + 1]), T.Combine(row1[b], row1[b + 1]));
                output[x] = average ? s * 0.25f : s;
                return;
            }
            TVec a = T.Combine<TVec, TOps>(TOps.Load(row0 + b), TOps.Load(row1 + b));
            TVec c = T.Combine<TVec, TOps>(TOps.Load(row0 + b + TOps.Count), TOps.Load(row1 + b + TOps.Count));
            TVec v = TOps.Unpermute(T.Combine<TVec, TOps>(TOps.EvensPermuted(a, c), TOps.OddsPermuted(a, c)));
            if (average) v = TOps.Multiply(v, TOps.Broadcast(0.25f));
            TOps.Store(output + x, v);
        }
    }

    /// <summary><c>values[i] /= divisors[i] · scale</c> (average pooling's window sizes).</summary>
    public static unsafe void Divide(Span<float> values, ReadOnlySpan<float> divisors, float scale, SimdLevel level)
    {
        fixed (float* v = values, d = divisors)
        {
            var k = new DivideKernel(v, d, scale);
            RowLadder.Run(k, values.Length, level);
        }
    }

    private readonly unsafe struct DivideKernel(float* values, float* divisors, float scale) : IRowKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
            => TOps.Store(values + x, TOps.Divide(TOps.Load(values + x), TOps.Multiply(TOps.Load(divisors + x), TOps.Broadcast(scale))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Clip(int lo, int hi, int length) => Math.Min(hi, length) - Math.Max(lo, 0);
}
