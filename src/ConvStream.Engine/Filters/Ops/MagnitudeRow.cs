using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// Gradient magnitude of one row of float dx/dy, times a scale: L2 = <c>sqrt(fma(dx, dx, dy·dy))</c>
/// (as <c>cv2.magnitude</c>'s vector body computes it) or L1 = <c>|dx| + |dy|</c>. For integer
/// gradients (Sobel on u8) every step before the square root is exact, so the result is the
/// correctly rounded float square root, the same on every path.
/// </summary>
public static class MagnitudeRow
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float L2(float dx, float dy) => MathF.Sqrt(MathF.FusedMultiplyAdd(dx, dx, dy * dy));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float L1(float dx, float dy) => MathF.Abs(dx) + MathF.Abs(dy);

    [MethodImpl(Hot)]
    public static void Run(ReadOnlySpan<float> dx, ReadOnlySpan<float> dy, Span<float> dst, bool l1, float scale, SimdLevel level)
    {
        int n = dst.Length;
        if (dx.Length < n || dy.Length < n) throw new ArgumentException("gradient rows are shorter than the destination");
        ref float a = ref MemoryMarshal.GetReference(dx);
        ref float b = ref MemoryMarshal.GetReference(dy);
        ref float d = ref MemoryMarshal.GetReference(dst);
        int x = 0;
        if (level >= SimdLevel.V512)
        {
            var s = Vector512.Create(scale);
            for (; x + 16 <= n; x += 16)
            {
                var u = Vector512.LoadUnsafe(ref a, (nuint)x); var v = Vector512.LoadUnsafe(ref b, (nuint)x);
                var m = l1 ? Vector512.Abs(u) + Vector512.Abs(v) : Vector512.Sqrt(Vector512.FusedMultiplyAdd(u, u, v * v));
                (m * s).StoreUnsafe(ref d, (nuint)x);
            }
        }
        if (level >= SimdLevel.V256)
        {
            var s = Vector256.Create(scale);
            for (; x + 8 <= n; x += 8)
            {
                var u = Vector256.LoadUnsafe(ref a, (nuint)x); var v = Vector256.LoadUnsafe(ref b, (nuint)x);
                var m = l1 ? Vector256.Abs(u) + Vector256.Abs(v) : Vector256.Sqrt(Vector256.FusedMultiplyAdd(u, u, v * v));
                (m * s).StoreUnsafe(ref d, (nuint)x);
            }
        }
        if (level >= SimdLevel.V128)
        {
            var s = Vector128.Create(scale);
            for (; x + 4 <= n; x += 4)
            {
                var u = Vector128.LoadUnsafe(ref a, (nuint)x); var v = Vector128.LoadUnsafe(ref b, (nuint)x);
                var m = l1 ? Vector128.Abs(u) + Vector128.Abs(v) : Vector128.Sqrt(Vector128.FusedMultiplyAdd(u, u, v * v));
                (m * s).StoreUnsafe(ref d, (nuint)x);
            }
        }
        for (; x < n; x++)
        {
            float u = Unsafe.Add(ref a, x), v = Unsafe.Add(ref b, x);
            Unsafe.Add(ref d, x) = (l1 ? L1(u, v) : L2(u, v)) * scale;
        }
    }
}
