using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Backward;

/// <summary>The vector loops of the backward pass: dot products, sums and AXPYs over rows, strided or not.</summary>
internal static class RowMath
{
    /// <summary>Σ a[i] · b[i·stride] for i &lt; a.Length.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int stride, SimdLevel level)
    {
        int n = a.Length, i = 0;
        float sum = 0;
        if (stride == 1)
        {
            ref float ar = ref MemoryMarshal.GetReference(a);
            ref float br = ref MemoryMarshal.GetReference(b);
            if (level >= SimdLevel.V512 && n >= 16)
            {
                var acc = Vector512<float>.Zero;
                for (; i <= n - 16; i += 16)
                    acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ar, (nuint)i), Vector512.LoadUnsafe(ref br, (nuint)i), acc);
                sum += Vector512.Sum(acc);
            }
            if (level >= SimdLevel.V256 && n - i >= 8)
            {
                var acc = Vector256<float>.Zero;
                for (; i <= n - 8; i += 8)
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)i), Vector256.LoadUnsafe(ref br, (nuint)i), acc);
                sum += Vector256.Sum(acc);
            }
            if (level >= SimdLevel.V128 && n - i >= 4)
            {
                var acc = Vector128<float>.Zero;
                for (; i <= n - 4; i += 4)
                    acc = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref ar, (nuint)i), Vector128.LoadUnsafe(ref br, (nuint)i), acc);
                sum += Vector128.Sum(acc);
            }
        }
        for (; i < n; i++) sum += a[i] * b[i * stride];
        return sum;
    }

    /// <summary>y[i·stride] += alpha · x[i] for i &lt; x.Length.</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y, int stride, SimdLevel level)
    {
        int n = x.Length, i = 0;
        if (stride == 1)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float yr = ref MemoryMarshal.GetReference(y);
            if (level >= SimdLevel.V512)
            {
                var a = Vector512.Create(alpha);
                for (; i <= n - 16; i += 16)
                    Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), a, Vector512.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
            if (level >= SimdLevel.V256)
            {
                var a = Vector256.Create(alpha);
                for (; i <= n - 8; i += 8)
                    Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), a, Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
            if (level >= SimdLevel.V128)
            {
                var a = Vector128.Create(alpha);
                for (; i <= n - 4; i += 4)
                    Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref xr, (nuint)i), a, Vector128.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++) y[i * stride] += alpha * x[i];
    }

    /// <summary>Σ a[i].</summary>
    public static float Sum(ReadOnlySpan<float> a, SimdLevel level)
    {
        int n = a.Length, i = 0;
        float sum = 0;
        ref float ar = ref MemoryMarshal.GetReference(a);
        if (level >= SimdLevel.V512 && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16) acc += Vector512.LoadUnsafe(ref ar, (nuint)i);
            sum += Vector512.Sum(acc);
        }
        if (level >= SimdLevel.V256 && n - i >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8) acc += Vector256.LoadUnsafe(ref ar, (nuint)i);
            sum += Vector256.Sum(acc);
        }
        if (level >= SimdLevel.V128 && n - i >= 4)
        {
            var acc = Vector128<float>.Zero;
            for (; i <= n - 4; i += 4) acc += Vector128.LoadUnsafe(ref ar, (nuint)i);
            sum += Vector128.Sum(acc);
        }
        for (; i < n; i++) sum += a[i];
        return sum;
    }

    /// <summary>y[i] += x[i].</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y, SimdLevel level)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (level >= SimdLevel.V512)
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref xr, (nuint)i) + Vector512.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        if (level >= SimdLevel.V256)
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref xr, (nuint)i) + Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        if (level >= SimdLevel.V128)
            for (; i <= n - 4; i += 4)
                (Vector128.LoadUnsafe(ref xr, (nuint)i) + Vector128.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) y[i] += x[i];
    }
}
