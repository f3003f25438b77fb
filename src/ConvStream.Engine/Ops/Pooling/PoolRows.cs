using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Pooling;

/// <summary>
/// The row loops of pooling, written once for every operator and width. A window is folded in
/// two passes that both stream contiguous memory: down the window's rows into a padded row
/// (<see cref="CombineInto{T}"/>), then across it (<see cref="Across{T}"/>). Each width's loop
/// falls through to the narrower ones for its tail, ending in scalar.
/// </summary>
internal static class PoolRows
{
    /// <summary><c>acc[i] = T.Combine(acc[i], row[i])</c>.</summary>
    public static unsafe void CombineInto<T>(Span<float> acc, ReadOnlySpan<float> row, SimdLevel level) where T : struct, IPoolReduce
    {
        fixed (float* a = acc, r = row)
        {
            var kernel = new CombineKernel<T>(a, r);
            RowLadder.Run(ref kernel, acc.Length, level);
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
        int n = output.Length, ox = 0;
        ref float t = ref MemoryMarshal.GetReference(padded);
        ref float o = ref MemoryMarshal.GetReference(output);
        if (stride == 1)
        {
            fixed (float* pt = padded, po = output)
            {
                var k = new AcrossKernel<T>(pt, po, kernel, dilation);
                RowLadder.Run(ref k, n, level);
            }
            return;
        }
        if (stride == 2 && Deinterleave.IsSupported(level))
        {
            if (level >= SimdLevel.V512)
                for (; ox <= n - 16; ox += 16)
                {
                    int b = 2 * ox;
                    var v = Deinterleave.Evens(Vector512.LoadUnsafe(ref t, (nuint)b), Vector512.LoadUnsafe(ref t, (nuint)(b + 16)));
                    for (int k = 1; k < kernel; k++)
                    {
                        int at = b + k * dilation;
                        v = T.Combine(v, Deinterleave.Evens(Vector512.LoadUnsafe(ref t, (nuint)at), Vector512.LoadUnsafe(ref t, (nuint)(at + 16))));
                    }
                    v.StoreUnsafe(ref o, (nuint)ox);
                }
            if (level >= SimdLevel.V256)
                for (; ox <= n - 8; ox += 8)
                {
                    int b = 2 * ox;
                    var v = Deinterleave.EvensInLane(Vector256.LoadUnsafe(ref t, (nuint)b), Vector256.LoadUnsafe(ref t, (nuint)(b + 8)));
                    for (int k = 1; k < kernel; k++)
                    {
                        int at = b + k * dilation;
                        v = T.Combine(v, Deinterleave.EvensInLane(Vector256.LoadUnsafe(ref t, (nuint)at), Vector256.LoadUnsafe(ref t, (nuint)(at + 8))));
                    }
                    // The fold is per element, so one lane fix after it serves every tap.
                    Deinterleave.FixLanes(v).StoreUnsafe(ref o, (nuint)ox);
                }
            for (; ox <= n - 4; ox += 4)
            {
                int b = 2 * ox;
                var v = Deinterleave.Evens(Vector128.LoadUnsafe(ref t, (nuint)b), Vector128.LoadUnsafe(ref t, (nuint)(b + 4)));
                for (int k = 1; k < kernel; k++)
                {
                    int at = b + k * dilation;
                    v = T.Combine(v, Deinterleave.Evens(Vector128.LoadUnsafe(ref t, (nuint)at), Vector128.LoadUnsafe(ref t, (nuint)(at + 4))));
                }
                v.StoreUnsafe(ref o, (nuint)ox);
            }
        }
        for (; ox < n; ox++)
        {
            int b = ox * stride;
            float v = padded[b];
            for (int k = 1; k < kernel; k++) v = T.Combine(v, padded[b + k * dilation]);
            output[ox] = v;
        }
    }

    /// <summary>
    /// The 2×2 stride-2 window without padding, straight from two input rows (no padded row):
    /// fold the rows, then fold each even/odd pair with shuffles. Writes <c>output.Length</c>
    /// complete windows (the rows must hold 2·output.Length samples); the average divides by 4
    /// (a multiply by 0.25 is exactly that).
    /// </summary>
    public static void Pair2x2<T>(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, Span<float> output, bool average, SimdLevel level)
        where T : struct, IPoolReduce
    {
        int n = output.Length, ox = 0;
        ref float r0 = ref MemoryMarshal.GetReference(row0);
        ref float r1 = ref MemoryMarshal.GetReference(row1);
        ref float o = ref MemoryMarshal.GetReference(output);
        if (Deinterleave.IsSupported(level))
        {
            if (level >= SimdLevel.V512)
            {
                var scale = Vector512.Create(average ? 0.25f : 1f);
                for (; ox <= n - 16; ox += 16)
                {
                    nuint b = (nuint)(2 * ox);
                    var a = T.Combine(Vector512.LoadUnsafe(ref r0, b), Vector512.LoadUnsafe(ref r1, b));
                    var c = T.Combine(Vector512.LoadUnsafe(ref r0, b + 16), Vector512.LoadUnsafe(ref r1, b + 16));
                    var v = T.Combine(Deinterleave.Evens(a, c), Deinterleave.Odds(a, c));
                    if (average) v *= scale;
                    v.StoreUnsafe(ref o, (nuint)ox);
                }
            }
            if (level >= SimdLevel.V256)
            {
                var scale = Vector256.Create(average ? 0.25f : 1f);
                for (; ox <= n - 8; ox += 8)
                {
                    nuint b = (nuint)(2 * ox);
                    var a = T.Combine(Vector256.LoadUnsafe(ref r0, b), Vector256.LoadUnsafe(ref r1, b));
                    var c = T.Combine(Vector256.LoadUnsafe(ref r0, b + 8), Vector256.LoadUnsafe(ref r1, b + 8));
                    var v = Deinterleave.FixLanes(T.Combine(Deinterleave.EvensInLane(a, c), Deinterleave.OddsInLane(a, c)));
                    if (average) v *= scale;
                    v.StoreUnsafe(ref o, (nuint)ox);
                }
            }
            {
                var scale = Vector128.Create(average ? 0.25f : 1f);
                for (; ox <= n - 4; ox += 4)
                {
                    nuint b = (nuint)(2 * ox);
                    var a = T.Combine(Vector128.LoadUnsafe(ref r0, b), Vector128.LoadUnsafe(ref r1, b));
                    var c = T.Combine(Vector128.LoadUnsafe(ref r0, b + 4), Vector128.LoadUnsafe(ref r1, b + 4));
                    var v = T.Combine(Deinterleave.Evens(a, c), Deinterleave.Odds(a, c));
                    if (average) v *= scale;
                    v.StoreUnsafe(ref o, (nuint)ox);
                }
            }
        }
        for (; ox < n; ox++)
        {
            int b = 2 * ox;
            float v = T.Combine(T.Combine(row0[b], row0[b + 1]), T.Combine(row1[b], row1[b + 1]));
            output[ox] = average ? v * 0.25f : v;
        }
    }

    /// <summary><c>values[i] /= divisors[i] · scale</c> (average pooling's window sizes).</summary>
    public static void Divide(Span<float> values, ReadOnlySpan<float> divisors, float scale, SimdLevel level)
    {
        int n = values.Length, i = 0;
        ref float v = ref MemoryMarshal.GetReference(values);
        ref float d = ref MemoryMarshal.GetReference(divisors);
        if (level >= SimdLevel.V512)
        {
            var s = Vector512.Create(scale);
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref v, (nuint)i) / (Vector512.LoadUnsafe(ref d, (nuint)i) * s)).StoreUnsafe(ref v, (nuint)i);
        }
        if (level >= SimdLevel.V256)
        {
            var s = Vector256.Create(scale);
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref v, (nuint)i) / (Vector256.LoadUnsafe(ref d, (nuint)i) * s)).StoreUnsafe(ref v, (nuint)i);
        }
        if (level >= SimdLevel.V128)
        {
            var s = Vector128.Create(scale);
            for (; i <= n - 4; i += 4)
                (Vector128.LoadUnsafe(ref v, (nuint)i) / (Vector128.LoadUnsafe(ref d, (nuint)i) * s)).StoreUnsafe(ref v, (nuint)i);
        }
        for (; i < n; i++) values[i] /= divisors[i] * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Clip(int lo, int hi, int length) => Math.Min(hi, length) - Math.Max(lo, 0);
}
