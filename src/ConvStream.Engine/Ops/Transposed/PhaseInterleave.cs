using System.Runtime.CompilerServices;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Transposed;

/// <summary>
/// Writes an output row from its stride phase rows: <c>output[j·s + p] = rows[start + p·rowLength + j]</c>.
/// Stride 1 is a copy; stride 2 zips the two phases with shuffles; larger strides are scalar.
/// </summary>
internal static class PhaseInterleave
{
    public static unsafe void Write(ReadOnlySpan<float> rows, int start, int rowLength, int stride, Span<float> output, SimdLevel level)
    {
        int n = output.Length;
        if (stride == 1) { rows.Slice(start, n).CopyTo(output); return; }
        if (stride == 2)
        {
            fixed (float* even = &rows[start], odd = &rows[start + rowLength], o = output)
            {
                var k = new ZipKernel(even, odd, o);
                RowLadder.Run(k, n / 2, PairShuffles.Level(level));
            }
            if ((n & 1) != 0) output[n - 1] = rows[start + n / 2];
            return;
        }
        for (int ox = 0; ox < n; ox++)
        {
            int j = ox / stride, p = ox - j * stride;
            output[ox] = rows[start + p * rowLength + j];
        }
    }

    /// <summary>Output samples 2j and 2j+1 from the even and odd phase rows at j.</summary>
    private readonly unsafe struct ZipKernel(float* even, float* odd, float* output) : IRowKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int j) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            var (lo, hi) = TOps.Zip(TOps.Load(even + j), TOps.Load(odd + j));
            TOps.Store(output + 2 * j, lo);
            TOps.Store(output + 2 * j + TOps.Count, hi);
        }
    }
}
