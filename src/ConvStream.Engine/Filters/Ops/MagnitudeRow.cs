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
internal static class MagnitudeRow
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float L2(float dx, float dy) => MathF.Sqrt(MathF.FusedMultiplyAdd(dx, dx, dy * dy));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float L1(float dx, float dy) => MathF.Abs(dx) + MathF.Abs(dy);

    /// <summary>
    /// <c>dst = (l1 ? L1 : L2)(dx, dy) · scale</c> over a row, at <paramref name="level"/>: one kernel
    /// body for every width (<see cref="RowLadder"/>), lane for lane the scalar <see cref="L1"/>/<see cref="L2"/>.
    /// </summary>
    [MethodImpl(Hot)]
    public static unsafe void Run(ReadOnlySpan<float> dx, ReadOnlySpan<float> dy, Span<float> dst, bool l1, float scale, SimdLevel level)
    {
        int n = dst.Length;
        if (dx.Length < n || dy.Length < n) throw new ArgumentException("gradient rows are shorter than the destination");
        fixed (float* a = dx, b = dy, d = dst)
        {
            var kernel = new Kernel(a, b, d, l1, scale);
            RowLadder.Run(kernel, n, level);
        }
    }

    private readonly unsafe struct Kernel(float* dx, float* dy, float* dst, bool l1, float scale) : IRowKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            TVec u = TOps.Load(dx + x), v = TOps.Load(dy + x);
            TVec m = l1 ? TOps.Add(TOps.Abs(u), TOps.Abs(v)) : TOps.Sqrt(TOps.FusedMultiplyAdd(u, u, TOps.Multiply(v, v)));
            TOps.Store(dst + x, TOps.Multiply(m, TOps.Broadcast(scale)));
        }
    }
}
