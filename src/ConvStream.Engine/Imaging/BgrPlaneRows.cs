using System.Runtime.CompilerServices;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Imaging;

/// <summary>
/// One row of a 3-channel (BGR) frame ↔ its three float planes in a single pass: the depth change
/// (<see cref="FrameConvertRows"/>'s widening, or its rounding and saturation) and the stride-3
/// (de)interleave (<see cref="ISimdOps{TVec}.Deinterleave3"/>) are fused, so the packed row is
/// never staged as floats. The scalar lane (one pixel) is the specification, and it is also what
/// <see cref="FrameConvert"/>'s strided loop for other channel counts does.
/// </summary>
internal static class BgrPlaneRows
{
    /// <summary>Interleaved u8/s16/f32 row of <paramref name="width"/> pixels → planes p0, p1, p2 (exact).</summary>
    public static unsafe void Split<T>(ReadOnlySpan<T> row, Span<float> p0, Span<float> p1, Span<float> p2, int width, SimdLevel level) where T : unmanaged
    {
        if (row.Length < 3 * width || p0.Length < width || p1.Length < width || p2.Length < width) throw new ArgumentException("row or plane is shorter than the width");
        fixed (T* s = row)
        fixed (float* d0 = p0, d1 = p1, d2 = p2)
            RowLadder.Run(new SplitKernel<T>(s, d0, d1, d2), width, level);
    }

    /// <summary>Planes p0, p1, p2 → interleaved u8/s16/f32 row, integers saturated as <see cref="FrameConvertRows.SaturateU8"/>/<see cref="FrameConvertRows.SaturateS16"/>.</summary>
    public static unsafe void Merge<T>(ReadOnlySpan<float> p0, ReadOnlySpan<float> p1, ReadOnlySpan<float> p2, Span<T> row, int width, SimdLevel level) where T : unmanaged
    {
        if (row.Length < 3 * width || p0.Length < width || p1.Length < width || p2.Length < width) throw new ArgumentException("row or plane is shorter than the width");
        fixed (T* d = row)
        fixed (float* s0 = p0, s1 = p1, s2 = p2)
            RowLadder.Run(new MergeKernel<T>(s0, s1, s2, d), width, level);
    }

    /// <summary>3·Count samples widened (three loads), then split into the planes.</summary>
    private readonly unsafe struct SplitKernel<T>(T* src, float* p0, float* p1, float* p2) : IRowKernel where T : unmanaged
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            int n = TOps.Count;
            T* s = src + 3 * x;
            var (c0, c1, c2) = TOps.Deinterleave3(Load<TVec, TOps>(s), Load<TVec, TOps>(s + n), Load<TVec, TOps>(s + 2 * n));
            TOps.Store(p0 + x, c0);
            TOps.Store(p1 + x, c1);
            TOps.Store(p2 + x, c2);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TVec Load<TVec, TOps>(T* p) where TVec : unmanaged where TOps : ISimdOps<TVec>
            => typeof(T) == typeof(byte) ? TOps.LoadWidening((byte*)p)
             : typeof(T) == typeof(short) ? TOps.LoadWidening((short*)p)
             : TOps.Load((float*)p);
    }

    /// <summary>
    /// Interleaves Unroll vectors of each plane, then stores them as the row's type: one narrowing
    /// store of bytes takes 4 vectors and of shorts 2, so 3·Unroll interleaved vectors make 3 stores.
    /// </summary>
    private readonly unsafe struct MergeKernel<T>(float* p0, float* p1, float* p2, T* dst) : IRowKernel where T : unmanaged
    {
        public static int Unroll => typeof(T) == typeof(byte) ? 4 : typeof(T) == typeof(short) ? 2 : 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            int n = TOps.Count;
            if (n == 1)
            {
                T* d = dst + 3 * x;
                if (typeof(T) == typeof(byte)) { var b = (byte*)d; b[0] = FrameConvertRows.SaturateU8(p0[x]); b[1] = FrameConvertRows.SaturateU8(p1[x]); b[2] = FrameConvertRows.SaturateU8(p2[x]); }
                else if (typeof(T) == typeof(short)) { var s = (short*)d; s[0] = FrameConvertRows.SaturateS16(p0[x]); s[1] = FrameConvertRows.SaturateS16(p1[x]); s[2] = FrameConvertRows.SaturateS16(p2[x]); }
                else { var f = (float*)d; f[0] = p0[x]; f[1] = p1[x]; f[2] = p2[x]; }
                return;
            }
            var (a0, a1, a2) = Interleaved<TVec, TOps>(x);
            if (typeof(T) == typeof(float))
            {
                float* f = (float*)dst + 3 * x;
                TOps.Store(f, a0); TOps.Store(f + n, a1); TOps.Store(f + 2 * n, a2);
                return;
            }
            var (b0, b1, b2) = Interleaved<TVec, TOps>(x + n);
            if (typeof(T) == typeof(short))
            {
                short* s = (short*)dst + 3 * x;
                TOps.StoreNarrowing(s, a0, a1); TOps.StoreNarrowing(s + 2 * n, a2, b0); TOps.StoreNarrowing(s + 4 * n, b1, b2);
                return;
            }
            var (c0, c1, c2) = Interleaved<TVec, TOps>(x + 2 * n);
            var (e0, e1, e2) = Interleaved<TVec, TOps>(x + 3 * n);
            byte* u = (byte*)dst + 3 * x;
            TOps.StoreNarrowing(u, a0, a1, a2, b0); TOps.StoreNarrowing(u + 4 * n, b1, b2, c0, c1); TOps.StoreNarrowing(u + 8 * n, c2, e0, e1, e2);
        }

        /// <summary>Count pixels at x as three interleaved vectors, rounded and clamped to an integer row's range.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private (TVec, TVec, TVec) Interleaved<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            var (a, b, c) = TOps.Interleave3(TOps.Load(p0 + x), TOps.Load(p1 + x), TOps.Load(p2 + x));
            if (typeof(T) == typeof(float)) return (a, b, c);
            TVec lo = TOps.Broadcast(typeof(T) == typeof(byte) ? 0f : short.MinValue), hi = TOps.Broadcast(typeof(T) == typeof(byte) ? 255f : short.MaxValue);
            return (FrameConvertRows.Saturate<TVec, TOps>(a, lo, hi), FrameConvertRows.Saturate<TVec, TOps>(b, lo, hi), FrameConvertRows.Saturate<TVec, TOps>(c, lo, hi));
        }
    }
}
