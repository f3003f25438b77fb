using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Fitting;

/// <summary>
/// The hot loop of <see cref="NormalEquations"/>: the upper triangle of the Gram matrix of a few
/// rows, <c>gram[i·count + j] += Σ_k r_i[k]·r_j[k]</c> for j ≥ i, in double. Four j rows go
/// together, so each load of row i feeds four fused multiply-adds. <paramref name="length"/> must
/// be a multiple of 8 (callers zero the tail), so every width runs whole vectors.
/// </summary>
internal static class GramRows
{
    public static void Accumulate(ReadOnlySpan<double> rows, int count, int stride, int length, Span<double> gram, SimdLevel level)
    {
        if (length % 8 != 0) throw new ArgumentException("length must be a multiple of 8", nameof(length));
        ref double r0 = ref MemoryMarshal.GetReference(rows);
        for (int i = 0; i < count; i++)
        {
            ref double ri = ref Unsafe.Add(ref r0, i * stride);
            int j = i;
            for (; j + 4 <= count; j += 4)
            {
                var (s0, s1, s2, s3) = Dot4(ref ri, ref Unsafe.Add(ref r0, j * stride), stride, length, level);
                gram[i * count + j] += s0;
                gram[i * count + j + 1] += s1;
                gram[i * count + j + 2] += s2;
                gram[i * count + j + 3] += s3;
            }
            for (; j < count; j++)
                gram[i * count + j] += Dot4(ref ri, ref Unsafe.Add(ref r0, j * stride), 0, length, level).S0;
        }
    }

    /// <summary>Dot products of row a with rows b, b + stride, b + 2·stride, b + 3·stride (stride 0: the same row four times).</summary>
    private static (double S0, double S1, double S2, double S3) Dot4(ref double a, ref double b, int stride, int n, SimdLevel level)
    {
        nuint s = (nuint)stride;
        if (level >= SimdLevel.V512)
        {
            Vector512<double> c0 = default, c1 = default, c2 = default, c3 = default;
            for (nuint k = 0; k < (nuint)n; k += 8)
            {
                var va = Vector512.LoadUnsafe(ref a, k);
                c0 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b, k), c0);
                c1 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b, k + s), c1);
                c2 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b, k + 2 * s), c2);
                c3 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b, k + 3 * s), c3);
            }
            return (Vector512.Sum(c0), Vector512.Sum(c1), Vector512.Sum(c2), Vector512.Sum(c3));
        }
        if (level >= SimdLevel.V256)
        {
            Vector256<double> c0 = default, c1 = default, c2 = default, c3 = default;
            for (nuint k = 0; k < (nuint)n; k += 4)
            {
                var va = Vector256.LoadUnsafe(ref a, k);
                c0 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b, k), c0);
                c1 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b, k + s), c1);
                c2 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b, k + 2 * s), c2);
                c3 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b, k + 3 * s), c3);
            }
            return (Vector256.Sum(c0), Vector256.Sum(c1), Vector256.Sum(c2), Vector256.Sum(c3));
        }
        if (level >= SimdLevel.V128)
        {
            Vector128<double> c0 = default, c1 = default, c2 = default, c3 = default;
            for (nuint k = 0; k < (nuint)n; k += 2)
            {
                var va = Vector128.LoadUnsafe(ref a, k);
                c0 = Vector128.FusedMultiplyAdd(va, Vector128.LoadUnsafe(ref b, k), c0);
                c1 = Vector128.FusedMultiplyAdd(va, Vector128.LoadUnsafe(ref b, k + s), c1);
                c2 = Vector128.FusedMultiplyAdd(va, Vector128.LoadUnsafe(ref b, k + 2 * s), c2);
                c3 = Vector128.FusedMultiplyAdd(va, Vector128.LoadUnsafe(ref b, k + 3 * s), c3);
            }
            return (Vector128.Sum(c0), Vector128.Sum(c1), Vector128.Sum(c2), Vector128.Sum(c3));
        }
        double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (nuint k = 0; k < (nuint)n; k++)
        {
            double va = Unsafe.Add(ref a, k);
            t0 += va * Unsafe.Add(ref b, k);
            t1 += va * Unsafe.Add(ref b, k + s);
            t2 += va * Unsafe.Add(ref b, k + 2 * s);
            t3 += va * Unsafe.Add(ref b, k + 3 * s);
        }
        return (t0, t1, t2, t3);
    }
}
