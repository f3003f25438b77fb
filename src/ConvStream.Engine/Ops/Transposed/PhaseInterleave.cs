using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Ops.Pooling;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Transposed;

/// <summary>
/// Writes an output row from its stride phase rows: <c>output[j·s + p] = rows[start + p·rowLength + j]</c>.
/// Stride 1 is a copy; stride 2 zips the two phases with shuffles; larger strides are scalar.
/// </summary>
internal static class PhaseInterleave
{
    public static void Write(ReadOnlySpan<float> rows, int start, int rowLength, int stride, Span<float> output, SimdLevel level)
    {
        int n = output.Length;
        if (stride == 1) { rows.Slice(start, n).CopyTo(output); return; }
        int ox = 0;
        if (stride == 2 && Deinterleave.IsSupported(level))
        {
            ref float even = ref Unsafe.AsRef(in rows[start]);
            ref float odd = ref Unsafe.AsRef(in rows[start + rowLength]);
            ref float o = ref MemoryMarshal.GetReference(output);
            if (level >= SimdLevel.V512)
                for (; ox <= n - 32; ox += 32)
                {
                    var (lo, hi) = Deinterleave.Zip(Vector512.LoadUnsafe(ref even, (nuint)(ox / 2)), Vector512.LoadUnsafe(ref odd, (nuint)(ox / 2)));
                    lo.StoreUnsafe(ref o, (nuint)ox);
                    hi.StoreUnsafe(ref o, (nuint)(ox + 16));
                }
            if (level >= SimdLevel.V256)
                for (; ox <= n - 16; ox += 16)
                {
                    var (lo, hi) = Deinterleave.Zip(Vector256.LoadUnsafe(ref even, (nuint)(ox / 2)), Vector256.LoadUnsafe(ref odd, (nuint)(ox / 2)));
                    lo.StoreUnsafe(ref o, (nuint)ox);
                    hi.StoreUnsafe(ref o, (nuint)(ox + 8));
                }
            for (; ox <= n - 8; ox += 8)
            {
                var (lo, hi) = Deinterleave.Zip(Vector128.LoadUnsafe(ref even, (nuint)(ox / 2)), Vector128.LoadUnsafe(ref odd, (nuint)(ox / 2)));
                lo.StoreUnsafe(ref o, (nuint)ox);
                hi.StoreUnsafe(ref o, (nuint)(ox + 4));
            }
        }
        for (; ox < n; ox++)
        {
            int j = ox / stride, p = ox - j * stride;
            output[ox] = rows[start + p * rowLength + j];
        }
    }
}
