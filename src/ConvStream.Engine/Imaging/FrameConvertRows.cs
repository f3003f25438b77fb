using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Imaging;

/// <summary>
/// Row kernels that change a sample's type: u8/s16 → float (exact) and float → u8/s16 saturated
/// with OpenCV's <c>saturate_cast</c> rounding (<c>cvRound</c>: round half to even). The filters
/// accumulate in float and finish every row through these, so the rounding rule lives in one place.
/// Each has Vector512/256/128 paths picked from the caller's <see cref="SimdLevel"/> and a scalar tail that
/// is the specification.
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

    [MethodImpl(Hot)]
    public static void U8ToFloat(ReadOnlySpan<byte> src, Span<float> dst, SimdLevel level)
    {
        int n = src.Length;
        if (dst.Length < n) throw new ArgumentException("destination row is shorter than the source row");
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref float d = ref MemoryMarshal.GetReference(dst);
        int x = 0;
        if (level >= SimdLevel.V512 && Avx512F.IsSupported)
            for (; x + 16 <= n; x += 16)
            {
                // vpmovzxbd: 16 bytes straight to 16 int lanes.
                var v = Vector128.LoadUnsafe(ref s, (nuint)x);
                Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(v)).StoreUnsafe(ref d, (nuint)x);
            }
        if (level >= SimdLevel.V256)
            for (; x + 8 <= n; x += 8)
            {
                var v = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref s, x))).AsByte();
                var w = Vector128.WidenLower(Vector128.WidenLower(v));
                var w2 = Vector128.WidenUpper(Vector128.WidenLower(v));
                Vector256.Create(Vector128.ConvertToSingle(w.AsInt32()), Vector128.ConvertToSingle(w2.AsInt32())).StoreUnsafe(ref d, (nuint)x);
            }
        if (level >= SimdLevel.V128)
            for (; x + 4 <= n; x += 4)
            {
                var v = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, x))).AsByte();
                Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(v)).AsInt32()).StoreUnsafe(ref d, (nuint)x);
            }
        for (; x < n; x++) Unsafe.Add(ref d, x) = Unsafe.Add(ref s, x);
    }

    [MethodImpl(Hot)]
    public static void S16ToFloat(ReadOnlySpan<short> src, Span<float> dst, SimdLevel level)
    {
        int n = src.Length;
        if (dst.Length < n) throw new ArgumentException("destination row is shorter than the source row");
        ref short s = ref MemoryMarshal.GetReference(src);
        ref float d = ref MemoryMarshal.GetReference(dst);
        int x = 0;
        if (level >= SimdLevel.V256)
            for (; x + 8 <= n; x += 8)
            {
                var v = Vector128.LoadUnsafe(ref s, (nuint)x);
                Vector256.Create(Vector128.ConvertToSingle(Vector128.WidenLower(v)), Vector128.ConvertToSingle(Vector128.WidenUpper(v))).StoreUnsafe(ref d, (nuint)x);
            }
        else if (level >= SimdLevel.V128)
            for (; x + 8 <= n; x += 8)
            {
                var v = Vector128.LoadUnsafe(ref s, (nuint)x);
                Vector128.ConvertToSingle(Vector128.WidenLower(v)).StoreUnsafe(ref d, (nuint)x);
                Vector128.ConvertToSingle(Vector128.WidenUpper(v)).StoreUnsafe(ref d, (nuint)(x + 4));
            }
        for (; x < n; x++) Unsafe.Add(ref d, x) = Unsafe.Add(ref s, x);
    }

    /// <summary>float → u8 with <see cref="SaturateU8"/> on every sample.</summary>
    [MethodImpl(Hot)]
    public static void FloatToU8(ReadOnlySpan<float> src, Span<byte> dst, SimdLevel level)
    {
        int n = dst.Length;
        if (src.Length < n) throw new ArgumentException("source row is shorter than the destination row");
        ref float s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        int x = 0;
        if (level >= SimdLevel.V512)
        {
            var lo = Vector512<float>.Zero; var hi = Vector512.Create(255f);
            for (; x + 64 <= n; x += 64)
            {
                var a = Round512(Vector512.LoadUnsafe(ref s, (nuint)x), lo, hi);
                var b = Round512(Vector512.LoadUnsafe(ref s, (nuint)(x + 16)), lo, hi);
                var c = Round512(Vector512.LoadUnsafe(ref s, (nuint)(x + 32)), lo, hi);
                var e = Round512(Vector512.LoadUnsafe(ref s, (nuint)(x + 48)), lo, hi);
                Vector512.Narrow(Vector512.Narrow(a, b), Vector512.Narrow(c, e)).AsByte().StoreUnsafe(ref d, (nuint)x);
            }
        }
        if (level >= SimdLevel.V256)
        {
            var lo = Vector256<float>.Zero; var hi = Vector256.Create(255f);
            for (; x + 32 <= n; x += 32)
            {
                var a = Round256(Vector256.LoadUnsafe(ref s, (nuint)x), lo, hi);
                var b = Round256(Vector256.LoadUnsafe(ref s, (nuint)(x + 8)), lo, hi);
                var c = Round256(Vector256.LoadUnsafe(ref s, (nuint)(x + 16)), lo, hi);
                var e = Round256(Vector256.LoadUnsafe(ref s, (nuint)(x + 24)), lo, hi);
                Vector256.Narrow(Vector256.Narrow(a, b), Vector256.Narrow(c, e)).AsByte().StoreUnsafe(ref d, (nuint)x);
            }
        }
        if (level >= SimdLevel.V128)
        {
            var lo = Vector128<float>.Zero; var hi = Vector128.Create(255f);
            for (; x + 16 <= n; x += 16)
            {
                var a = Round128(Vector128.LoadUnsafe(ref s, (nuint)x), lo, hi);
                var b = Round128(Vector128.LoadUnsafe(ref s, (nuint)(x + 4)), lo, hi);
                var c = Round128(Vector128.LoadUnsafe(ref s, (nuint)(x + 8)), lo, hi);
                var e = Round128(Vector128.LoadUnsafe(ref s, (nuint)(x + 12)), lo, hi);
                Vector128.Narrow(Vector128.Narrow(a, b), Vector128.Narrow(c, e)).AsByte().StoreUnsafe(ref d, (nuint)x);
            }
        }
        for (; x < n; x++) Unsafe.Add(ref d, x) = SaturateU8(Unsafe.Add(ref s, x));
    }

    /// <summary>float → s16 with <see cref="SaturateS16"/> on every sample.</summary>
    [MethodImpl(Hot)]
    public static void FloatToS16(ReadOnlySpan<float> src, Span<short> dst, SimdLevel level)
    {
        int n = dst.Length;
        if (src.Length < n) throw new ArgumentException("source row is shorter than the destination row");
        ref float s = ref MemoryMarshal.GetReference(src);
        ref short d = ref MemoryMarshal.GetReference(dst);
        int x = 0;
        if (level >= SimdLevel.V256)
        {
            var lo = Vector256.Create((float)short.MinValue); var hi = Vector256.Create((float)short.MaxValue);
            for (; x + 16 <= n; x += 16)
            {
                var a = Round256(Vector256.LoadUnsafe(ref s, (nuint)x), lo, hi);
                var b = Round256(Vector256.LoadUnsafe(ref s, (nuint)(x + 8)), lo, hi);
                Vector256.Narrow(a, b).StoreUnsafe(ref d, (nuint)x);
            }
        }
        if (level >= SimdLevel.V128)
        {
            var lo = Vector128.Create((float)short.MinValue); var hi = Vector128.Create((float)short.MaxValue);
            for (; x + 8 <= n; x += 8)
            {
                var a = Round128(Vector128.LoadUnsafe(ref s, (nuint)x), lo, hi);
                var b = Round128(Vector128.LoadUnsafe(ref s, (nuint)(x + 4)), lo, hi);
                Vector128.Narrow(a, b).StoreUnsafe(ref d, (nuint)x);
            }
        }
        for (; x < n; x++) Unsafe.Add(ref d, x) = SaturateS16(Unsafe.Add(ref s, x));
    }

    // Round half to even (the CPU's default rounding, as cvRound), clamp, then convert: after
    // rounding the value is an exact integer, so the truncating conversion is exact.
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
