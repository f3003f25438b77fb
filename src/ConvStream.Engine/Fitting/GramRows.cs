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

    /// <summary>The width the level allows (every width runs whole vectors: length is a multiple of 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double S0, double S1, double S2, double S3) Dot4(ref double a, ref double b0, ref double b1, ref double b2, ref double b3, int n, SimdLevel level)
        => level switch
        {
            >= SimdLevel.V512 => Dot4<Vector512<double>, V512Doubles>(ref a, ref b0, ref b1, ref b2, ref b3, n),
            SimdLevel.V256 => Dot4<Vector256<double>, V256Doubles>(ref a, ref b0, ref b1, ref b2, ref b3, n),
            SimdLevel.V128 => Dot4<Vector128<double>, V128Doubles>(ref a, ref b0, ref b1, ref b2, ref b3, n),
            _ => Dot4<double, ScalarDoubles>(ref a, ref b0, ref b1, ref b2, ref b3, n),
        };

    /// <summary>Four dot products of a with b0..b3, one vector of partial sums each, summed at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    private static (double S0, double S1, double S2, double S3) Dot4<TVec, TOps>(ref double a, ref double b0, ref double b1, ref double b2, ref double b3, int n)
        where TVec : unmanaged where TOps : IDoubleOps<TVec>
    {
        TVec c0 = TOps.Zero, c1 = TOps.Zero, c2 = TOps.Zero, c3 = TOps.Zero;
        for (nuint k = 0; k < (nuint)n; k += (nuint)TOps.Count)
        {
            var va = TOps.Load(ref a, k);
            c0 = TOps.MultiplyAdd(va, TOps.Load(ref b0, k), c0);
            c1 = TOps.MultiplyAdd(va, TOps.Load(ref b1, k), c1);
            c2 = TOps.MultiplyAdd(va, TOps.Load(ref b2, k), c2);
            c3 = TOps.MultiplyAdd(va, TOps.Load(ref b3, k), c3);
        }
        return (TOps.Sum(c0), TOps.Sum(c1), TOps.Sum(c2), TOps.Sum(c3));
    }
}
