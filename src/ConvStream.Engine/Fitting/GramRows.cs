using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Fitting;

/// <summary>
/// The hot loop of <see cref="NormalEquations"/>: the upper triangle of the Gram matrix of a few
/// rows, <c>gram[i·count + j] += Σ_k r_i[k]·r_j[k]</c> for j ≥ i, in double. Four j rows go
/// together, so each load of row i feeds four fused multiply-adds. <c>length</c> must
/// be a multiple of 8 (callers zero the tail), so every width runs whole vectors.
/// </summary>
internal static class GramRows
{
    // Called once per chunk of a single fit: tier-0 code would run most of a 1080p fit before
    // on-stack replacement caught up, so it is compiled optimised from the start.
    /// <summary>Rows are <paramref name="length"/> doubles of <paramref name="data"/> from each of <paramref name="starts"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Accumulate(ReadOnlySpan<double> data, ReadOnlySpan<int> starts, int length, Span<double> gram, SimdLevel level)
    {
        if (length % 8 != 0) throw new ArgumentException("length must be a multiple of 8", nameof(length));
        int count = starts.Length;
        ref double d0 = ref MemoryMarshal.GetReference(data);
        for (int i = 0; i < count; i++)
        {
            ref double ri = ref Unsafe.Add(ref d0, starts[i]);
            int j = i;
            for (; j + 4 <= count; j += 4)
            {
                var (s0, s1, s2, s3) = Dot4(ref ri, ref Unsafe.Add(ref d0, starts[j]), ref Unsafe.Add(ref d0, starts[j + 1]),
                                            ref Unsafe.Add(ref d0, starts[j + 2]), ref Unsafe.Add(ref d0, starts[j + 3]), length, level);
                gram[i * count + j] += s0;
                gram[i * count + j + 1] += s1;
                gram[i * count + j + 2] += s2;
                gram[i * count + j + 3] += s3;
            }
            for (; j < count; j++)
            {
                ref double rj = ref Unsafe.Add(ref d0, starts[j]);
                gram[i * count + j] += Dot4(ref ri, ref rj, ref rj, ref rj, ref rj, length, level).S0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    private static (double S0, double S1, double S2, double S3) Dot4(ref double a, ref double b0, ref double b1, ref double b2, ref double b3, int n, SimdLevel level)
    {
        if (level >= SimdLevel.V512)
        {
            Vector512<double> c0 = default, c1 = default, c2 = default, c3 = default;
            for (nuint k = 0; k < (nuint)n; k += 8)
            {
                var va = Vector512.LoadUnsafe(ref a, k);
                c0 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b0, k), c0);
                c1 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b1, k), c1);
                c2 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b2, k), c2);
                c3 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b3, k), c3);
            }
            return (Vector512.Sum(c0), Vector512.Sum(c1), Vector512.Sum(c2), Vector512.Sum(c3));
        }
        if (level >= SimdLevel.V256)
        {
            Vector256<double> c0 = default, c1 = default, c2 = default, c3 = default;
            for (nuint k = 0; k < (nuint)n; k += 4)
            {
                var va = Vector256.LoadUnsafe(ref a, k);
                c0 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b0, k), c0);
                c1 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b1, k), c1);
                c2 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b2, k), c2);
                c3 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b3, k), c3);
            }
            return (Vector256.Sum(c0), Vector256.Sum(c1), Vector256.Sum(c2), Vector256.Sum(c3));
        }
        if (level >= SimdLevel.V128)
        {
            Vector128<double> c0 = default, c1 = default, c2 = default, c3 = default;
            for (nuint k = 0; k < (nuint)n; k += 2)
            {
                var va = Vector128.LoadUnsafe(ref a, k);
                c0 = Vector128.FusedMultiplyAdd(va, Vector128.LoadUnsafe(ref b0, k), c0);
                c1 = Vector128.FusedMultiplyAdd(va, Vector128.LoadUnsafe(ref b1, k), c1);
                c2 = Vector128.FusedMultiplyAdd(va, Vector128.LoadUnsafe(ref b2, k), c2);
                c3 = Vector128.FusedMultiplyAdd(va, Vector128.LoadUnsafe(ref b3, k), c3);
            }
            return (Vector128.Sum(c0), Vector128.Sum(c1), Vector128.Sum(c2), Vector128.Sum(c3));
        }
        double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (nuint k = 0; k < (nuint)n; k++)
        {
            double va = Unsafe.Add(ref a, k);
            t0 += va * Unsafe.Add(ref b0, k);
            t1 += va * Unsafe.Add(ref b1, k);
            t2 += va * Unsafe.Add(ref b2, k);
            t3 += va * Unsafe.Add(ref b3, k);
        }
        return (t0, t1, t2, t3);
    }
}
