using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// One row of BGR → gray with OpenCV's fixed-point weights and rounding:
/// <c>(9798·R + 19235·G + 3735·B + 2^14) >> 15</c> (cvtColor's CV_8U path; bit-exact).
/// <para>
/// The vector paths widen each pixel to four 16-bit lanes (B, G, R, unused) and let
/// <c>pmaddwd</c> form B·wB + G·wG and R·wR + 0 in 32-bit lanes, then add the pairs: no
/// deinterleaving. Vector512 uses AVX-512BW (<c>vpmovzxbw</c> + <c>vpermw</c>); the Vector128
/// and Vector256 levels share the SSSE3 path (<c>pshufb</c>), which is already memory-bound here.
/// </para>
/// </summary>
internal static class GrayRow
{
    public const int WeightR = 9798, WeightG = 19235, WeightB = 3735, Shift = 15;

    /// <summary>The specification for one pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Pixel(byte b, byte g, byte r) => (byte)((WeightR * r + WeightG * g + WeightB * b + (1 << (Shift - 1))) >> Shift);

    [MethodImpl(Hot)]
    public static void BgrToGray(ReadOnlySpan<byte> bgr, Span<byte> gray, SimdLevel level)
    {
        int n = gray.Length;
        if (bgr.Length < 3 * n) throw new ArgumentException("BGR row is shorter than three times the gray row");
        ref byte s = ref MemoryMarshal.GetReference(bgr);
        ref byte d = ref MemoryMarshal.GetReference(gray);
        int x = 0;
        if (level >= SimdLevel.V512 && Avx512BW.IsSupported) x = Run512(ref s, ref d, n);
        else if (level >= SimdLevel.V128 && Ssse3.IsSupported) x = Run128(ref s, ref d, n);
        for (; x < n; x++)
            Unsafe.Add(ref d, x) = Pixel(Unsafe.Add(ref s, 3 * x), Unsafe.Add(ref s, 3 * x + 1), Unsafe.Add(ref s, 3 * x + 2));
    }

    private static readonly Vector512<short> Permute4 = MakePermute();
    private static readonly Vector512<short> Weights512 = Vector512.Create((long)(ushort)WeightB | ((long)WeightG << 16) | ((long)WeightR << 32)).AsInt16();

    private static Vector512<short> MakePermute()
    {
        Span<short> idx = stackalloc short[32];
        for (int p = 0; p < 8; p++)
            for (int c = 0; c < 4; c++) idx[4 * p + c] = (short)(3 * p + Math.Min(c, 2)); // lane 3 is multiplied by 0
        return Vector512.Create((ReadOnlySpan<short>)idx);
    }

    [MethodImpl(Hot)]
    private static int Run512(ref byte s, ref byte d, int n)
    {
        var perm = Permute4; var wts = Weights512;
        var low = Vector512.Create(0xFFFFFFFFUL); var round = Vector512.Create(1UL << (Shift - 1));
        int x = 0;
        // 8 pixels (24 bytes) per step from a 32-byte load, so the last 8 bytes must exist.
        for (; 3 * x + 32 <= 3 * n && x + 8 <= n; x += 8)
        {
            var bytes = Vector256.LoadUnsafe(ref s, (nuint)(3 * x));
            var words = Avx512BW.PermuteVar32x16(Avx512BW.ConvertToVector512Int16(bytes), perm);
            var pairs = Avx512BW.MultiplyAddAdjacent(words, wts).AsUInt64();   // [B·wB+G·wG, R·wR] per pixel
            var sum = ((pairs & low) + (pairs >>> 32) + round) >>> Shift;
            var g = Avx512F.ConvertToVector128Byte(sum);                      // vpmovqb: 8 bytes
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, x), g.AsUInt64().ToScalar());
        }
        return x;
    }

    private static readonly Vector128<byte> ShufLo = Vector128.Create((byte)0, 0x80, 1, 0x80, 2, 0x80, 0x80, 0x80, 3, 0x80, 4, 0x80, 5, 0x80, 0x80, 0x80);
    private static readonly Vector128<byte> ShufHi = Vector128.Create((byte)6, 0x80, 7, 0x80, 8, 0x80, 0x80, 0x80, 9, 0x80, 10, 0x80, 11, 0x80, 0x80, 0x80);
    private static readonly Vector128<short> Weights128 = Vector128.Create((short)WeightB, (short)WeightG, (short)WeightR, 0, (short)WeightB, (short)WeightG, (short)WeightR, 0);

    [MethodImpl(Hot)]
    private static int Run128(ref byte s, ref byte d, int n)
    {
        var lo = ShufLo; var hi = ShufHi; var wts = Weights128; var round = Vector128.Create(1 << (Shift - 1));
        int x = 0;
        // 8 pixels per step from two 16-byte loads 12 bytes apart.
        for (; 3 * x + 28 <= 3 * n && x + 8 <= n; x += 8)
        {
            var a = Vector128.LoadUnsafe(ref s, (nuint)(3 * x));
            var b = Vector128.LoadUnsafe(ref s, (nuint)(3 * x + 12));
            var p0 = Ssse3.HorizontalAdd(Sse2.MultiplyAddAdjacent(Ssse3.Shuffle(a, lo).AsInt16(), wts), Sse2.MultiplyAddAdjacent(Ssse3.Shuffle(a, hi).AsInt16(), wts));
            var p1 = Ssse3.HorizontalAdd(Sse2.MultiplyAddAdjacent(Ssse3.Shuffle(b, lo).AsInt16(), wts), Sse2.MultiplyAddAdjacent(Ssse3.Shuffle(b, hi).AsInt16(), wts));
            p0 = (p0 + round) >>> Shift;
            p1 = (p1 + round) >>> Shift;
            var packed = Sse2.PackUnsignedSaturate(Sse2.PackSignedSaturate(p0, p1), Vector128<short>.Zero);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, x), packed.AsUInt64().ToScalar());
        }
        return x;
    }
}
