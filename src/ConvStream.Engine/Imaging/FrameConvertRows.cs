using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Imaging;

/// <summary>
/// Row kernels that change a sample's type: u8/s16 → float (exact) and float → u8/s16 saturated
/// with OpenCV's <c>saturate_cast</c> rounding (<c>cvRound</c>: round half to even). The filters
/// accumulate in float and finish every row through these, so the rounding rule lives in one place.
/// Each is an <see cref="IRowKernel"/> run at the caller's <see cref="SimdLevel"/>; its scalar lane
/// (<see cref="SaturateU8"/>, <see cref="SaturateS16"/>) is the specification.
/// </summary>
internal static class FrameConvertRows
{
    /// <summary>OpenCV's <c>saturate_cast&lt;uchar&gt;(float)</c>: round half to even, clamp to [0, 255].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte SaturateU8(float v) => Codecs.SaturateCast.ToU8(v);

    /// <summary>OpenCV's <c>saturate_cast&lt;short&gt;(float)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short SaturateS16(float v)
    {
        float r = MathF.Round(v, MidpointRounding.ToEven);
        return r <= short.MinValue ? short.MinValue : r >= short.MaxValue ? short.MaxValue : (short)r;
    }

    public static unsafe void U8ToFloat(ReadOnlySpan<byte> src, Span<float> dst, SimdLevel level)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination row is shorter than the source row");
        fixed (byte* s = src)
        fixed (float* d = dst)
            RowLadder.Run(new Widen<byte>(s, d), src.Length, level);
    }

    public static unsafe void S16ToFloat(ReadOnlySpan<short> src, Span<float> dst, SimdLevel level)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination row is shorter than the source row");
        fixed (short* s = src)
        fixed (float* d = dst)
            RowLadder.Run(new Widen<short>(s, d), src.Length, level);
    }

    /// <summary>float → u8 with <see cref="SaturateU8"/> on every sample.</summary>
    public static unsafe void FloatToU8(ReadOnlySpan<float> src, Span<byte> dst, SimdLevel level)
    {
        if (src.Length < dst.Length) throw new ArgumentException("source row is shorter than the destination row");
        fixed (float* s = src)
        fixed (byte* d = dst)
            RowLadder.Run(new ToU8(s, d), dst.Length, level);
    }

    /// <summary>float → s16 with <see cref="SaturateS16"/> on every sample.</summary>
    public static unsafe void FloatToS16(ReadOnlySpan<float> src, Span<short> dst, SimdLevel level)
    {
        if (src.Length < dst.Length) throw new ArgumentException("source row is shorter than the destination row");
        fixed (float* s = src)
        fixed (short* d = dst)
            RowLadder.Run(new ToS16(s, d), dst.Length, level);
    }

    /// <summary>u8 or s16 → float, exact at every width.</summary>
    private readonly unsafe struct Widen<T>(T* src, float* dst) : IRowKernel where T : unmanaged
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
            => TOps.Store(dst + x, typeof(T) == typeof(byte) ? TOps.LoadWidening((byte*)src + x) : TOps.LoadWidening((short*)src + x));
    }

    /// <summary>Four vectors rounded and clamped, then packed into one store of bytes.</summary>
    private readonly unsafe struct ToU8(float* src, byte* dst) : IRowKernel
    {
        public static int Unroll => 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            if (TOps.Count == 1) { dst[x] = SaturateU8(src[x]); return; }
            TVec lo = TOps.Broadcast(0f), hi = TOps.Broadcast(255f);
            float* s = src + x;
            int n = TOps.Count;
            TOps.StoreNarrowing(dst + x, Saturate<TVec, TOps>(TOps.Load(s), lo, hi), Saturate<TVec, TOps>(TOps.Load(s + n), lo, hi),
                Saturate<TVec, TOps>(TOps.Load(s + 2 * n), lo, hi), Saturate<TVec, TOps>(TOps.Load(s + 3 * n), lo, hi));
        }
    }

    /// <summary>Two vectors rounded and clamped, then packed into one store of shorts.</summary>
    private readonly unsafe struct ToS16(float* src, short* dst) : IRowKernel
    {
        public static int Unroll => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            if (TOps.Count == 1) { dst[x] = SaturateS16(src[x]); return; }
            TVec lo = TOps.Broadcast(short.MinValue), hi = TOps.Broadcast(short.MaxValue);
            float* s = src + x;
            TOps.StoreNarrowing(dst + x, Saturate<TVec, TOps>(TOps.Load(s), lo, hi), Saturate<TVec, TOps>(TOps.Load(s + TOps.Count), lo, hi));
        }
    }

    /// <summary>
    /// Round half to even (the CPU's default rounding, as cvRound), then clamp: the value is then an
    /// exact integer in range, so the truncating conversion of the narrowing store is exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVec Saturate<TVec, TOps>(TVec v, TVec lo, TVec hi) where TVec : unmanaged where TOps : ISimdOps<TVec>
        => TOps.Min(TOps.Max(TOps.Round(v), lo), hi);

    // The same at fixed widths, for the temporal and Sobel-magnitude rows not yet written over ISimdOps.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<int> Round512(Vector512<float> v, Vector512<float> lo, Vector512<float> hi)
        => Vector512.ConvertToInt32(Vector512.Min(Vector512.Max(Vector512.Round(v), lo), hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> Round256(Vector256<float> v, Vector256<float> lo, Vector256<float> hi)
        => Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Round(v), lo), hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> Round128(Vector128<float> v, Vector128<float> lo, Vector128<float> hi)
        => Vector128.ConvertToInt32(Vector128.Min(Vector128.Max(Vector128.Round(v), lo), hi));
}
