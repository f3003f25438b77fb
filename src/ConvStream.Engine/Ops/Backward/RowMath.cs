using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Backward;

/// <summary>
/// The vector loops of the backward pass: dot products, sums and AXPYs over rows, strided or not.
/// Each is one body over the width abstraction, run at the level's width with the row's last,
/// partial vector as one vector (masked, or overlapping): the rows here are short (67 floats in
/// <c>op conv2d-backward</c>'s sample), and a ladder of narrower widths and single lanes cost
/// 1.12–1.17× there when this was first ported. Strided rows stay scalar.
/// </summary>
internal static unsafe class RowMath
{
    /// <summary>Σ a[i] · b[i·stride] for i &lt; a.Length.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int stride, SimdLevel level)
    {
        if (stride != 1)
        {
            float sum = 0;
            for (int i = 0; i < a.Length; i++) sum += a[i] * b[i * stride];
            return sum;
        }
        if (b.Length < a.Length) throw new ArgumentException("the second row is shorter than the first");
        fixed (float* pa = a, pb = b)
            return level switch
            {
                SimdLevel.V512 => Dot<Vector512<float>, V512Ops>(pa, pb, a.Length),
                SimdLevel.V256 => Dot<Vector256<float>, V256Ops>(pa, pb, a.Length),
                SimdLevel.V128 => Dot<Vector128<float>, V128Ops>(pa, pb, a.Length),
                _ => Dot<float, ScalarOps>(pa, pb, a.Length),
            };
    }

    /// <summary>y[i·stride] += alpha · x[i] for i &lt; x.Length.</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y, int stride, SimdLevel level)
    {
        if (stride != 1)
        {
            for (int i = 0; i < x.Length; i++) y[i * stride] += alpha * x[i];
            return;
        }
        if (y.Length < x.Length) throw new ArgumentException("the destination row is shorter than the source");
        fixed (float* px = x, py = y)
            switch (level)
            {
                case SimdLevel.V512: Axpy<Vector512<float>, V512Ops>(alpha, px, py, x.Length); break;
                case SimdLevel.V256: Axpy<Vector256<float>, V256Ops>(alpha, px, py, x.Length); break;
                case SimdLevel.V128: Axpy<Vector128<float>, V128Ops>(alpha, px, py, x.Length); break;
                default: Axpy<float, ScalarOps>(alpha, px, py, x.Length); break;
            }
    }

    /// <summary>Σ a[i].</summary>
    public static float Sum(ReadOnlySpan<float> a, SimdLevel level)
    {
        fixed (float* pa = a)
            return level switch
            {
                SimdLevel.V512 => Sum<Vector512<float>, V512Ops>(pa, a.Length),
                SimdLevel.V256 => Sum<Vector256<float>, V256Ops>(pa, a.Length),
                SimdLevel.V128 => Sum<Vector128<float>, V128Ops>(pa, a.Length),
                _ => Sum<float, ScalarOps>(pa, a.Length),
            };
    }

    /// <summary>y[i] += x[i].</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y, SimdLevel level)
    {
        if (y.Length < x.Length) throw new ArgumentException("the destination row is shorter than the source");
        fixed (float* px = x, py = y)
            switch (level)
            {
                case SimdLevel.V512: Add<Vector512<float>, V512Ops>(px, py, x.Length); break;
                case SimdLevel.V256: Add<Vector256<float>, V256Ops>(px, py, x.Length); break;
                case SimdLevel.V128: Add<Vector128<float>, V128Ops>(px, py, x.Length); break;
                default: Add<float, ScalarOps>(px, py, x.Length); break;
            }
    }

    // The bodies: whole vectors, then the rest as one vector (none in the one-lane instantiation).
    // The reductions load it masked; the in-place updates store a last vector overlapping the one
    // before it, computed from y before the loop changed it, so the overlap gets the same values
    // (a masked store measured slower than the scalar tail it replaced on this Zen).

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot<TVec, TOps>(float* a, float* b, int n) where TVec : unmanaged where TOps : ISimdOps<TVec>
    {
        int w = TOps.Count, i = 0;
        TVec acc = TOps.Broadcast(0);
        for (; i + w <= n; i += w) acc = TOps.FusedMultiplyAdd(TOps.Load(a + i), TOps.Load(b + i), acc);
        if (i < n) acc = TOps.FusedMultiplyAdd(TOps.LoadFirst(a + i, n - i), TOps.LoadFirst(b + i, n - i), acc);
        return TOps.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy<TVec, TOps>(float alpha, float* x, float* y, int n) where TVec : unmanaged where TOps : ISimdOps<TVec>
    {
        int w = TOps.Count, i = 0;
        TVec a = TOps.Broadcast(alpha);
        if (n < w)
        {
            if (n > 0) TOps.StoreFirst(y, TOps.FusedMultiplyAdd(TOps.LoadFirst(x, n), a, TOps.LoadFirst(y, n)), n);
            return;
        }
        // The last vector, overlapping the one before it, computed from y before the loop changes it.
        TVec last = TOps.FusedMultiplyAdd(TOps.Load(x + n - w), a, TOps.Load(y + n - w));
        for (; i + w <= n; i += w) TOps.Store(y + i, TOps.FusedMultiplyAdd(TOps.Load(x + i), a, TOps.Load(y + i)));
        if (i < n) TOps.Store(y + n - w, last);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum<TVec, TOps>(float* a, int n) where TVec : unmanaged where TOps : ISimdOps<TVec>
    {
        int w = TOps.Count, i = 0;
        TVec acc = TOps.Broadcast(0);
        for (; i + w <= n; i += w) acc = TOps.Add(acc, TOps.Load(a + i));
        if (i < n) acc = TOps.Add(acc, TOps.LoadFirst(a + i, n - i));
        return TOps.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add<TVec, TOps>(float* x, float* y, int n) where TVec : unmanaged where TOps : ISimdOps<TVec>
    {
        int w = TOps.Count, i = 0;
        if (n < w)
        {
            if (n > 0) TOps.StoreFirst(y, TOps.Add(TOps.LoadFirst(x, n), TOps.LoadFirst(y, n)), n);
            return;
        }
        TVec last = TOps.Add(TOps.Load(x + n - w), TOps.Load(y + n - w));
        for (; i + w <= n; i += w) TOps.Store(y + i, TOps.Add(TOps.Load(x + i), TOps.Load(y + i)));
        if (i < n) TOps.Store(y + n - w, last);
    }
}
