using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// Row kernels of the u8 pools. A window is reduced vertically first (whole rows, plain vector
/// max/add), then horizontally: for the common 2×2 stride-2 window the horizontal pairs of an
/// interleaved row (samples C apart) are gathered with one byte/word permute per vector
/// (<c>vpermb</c>/<c>vpermw</c> at Vector512, <c>pshufb</c> at Vector128/256), so BGR needs no
/// deinterleaving. Every kernel ends in a scalar loop that is the specification.
/// </summary>
internal static class PoolRows
{
    public static FrameFormat OutputFormat(FrameFormat f, int size, int stride)
    {
        if (f.Depth != Imaging.PixelDepth.U8)
            throw new ConvStreamException($"expects a u8 frame but got {f}");
        if (f.Width < size || f.Height < size)
            throw new ConvStreamException($"frame {f.Width}x{f.Height} is smaller than the {size}x{size} window");
        return f with { Width = (f.Width - size) / stride + 1, Height = (f.Height - size) / stride + 1 };
    }

    [MethodImpl(Hot)]
    public static void MaxRows(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst, SimdLevel level)
    {
        int n = dst.Length, x = 0;
        ref byte pa = ref MemoryMarshal.GetReference(a), pb = ref MemoryMarshal.GetReference(b), pd = ref MemoryMarshal.GetReference(dst);
        if (level >= SimdLevel.V512)
            for (; x + 64 <= n; x += 64) Vector512.Max(Vector512.LoadUnsafe(ref pa, (nuint)x), Vector512.LoadUnsafe(ref pb, (nuint)x)).StoreUnsafe(ref pd, (nuint)x);
        if (level >= SimdLevel.V256)
            for (; x + 32 <= n; x += 32) Vector256.Max(Vector256.LoadUnsafe(ref pa, (nuint)x), Vector256.LoadUnsafe(ref pb, (nuint)x)).StoreUnsafe(ref pd, (nuint)x);
        if (level >= SimdLevel.V128)
            for (; x + 16 <= n; x += 16) Vector128.Max(Vector128.LoadUnsafe(ref pa, (nuint)x), Vector128.LoadUnsafe(ref pb, (nuint)x)).StoreUnsafe(ref pd, (nuint)x);
        for (; x < n; x++) Unsafe.Add(ref pd, x) = Math.Max(Unsafe.Add(ref pa, x), Unsafe.Add(ref pb, x));
    }

    [MethodImpl(Hot)]
    public static void SumRows(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<ushort> dst, SimdLevel level)
    {
        int n = dst.Length, x = 0;
        ref byte pa = ref MemoryMarshal.GetReference(a), pb = ref MemoryMarshal.GetReference(b);
        ref ushort pd = ref MemoryMarshal.GetReference(dst);
        if (level >= SimdLevel.V512 && Avx512BW.IsSupported)
            for (; x + 32 <= n; x += 32)
                (Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref pa, (nuint)x)) + Avx512BW.ConvertToVector512UInt16(Vector256.LoadUnsafe(ref pb, (nuint)x))).StoreUnsafe(ref pd, (nuint)x);
        if (level >= SimdLevel.V128)
            for (; x + 16 <= n; x += 16)
            {
                var va = Vector128.LoadUnsafe(ref pa, (nuint)x); var vb = Vector128.LoadUnsafe(ref pb, (nuint)x);
                (Vector128.WidenLower(va) + Vector128.WidenLower(vb)).StoreUnsafe(ref pd, (nuint)x);
                (Vector128.WidenUpper(va) + Vector128.WidenUpper(vb)).StoreUnsafe(ref pd, (nuint)(x + 8));
            }
        for (; x < n; x++) Unsafe.Add(ref pd, x) = (ushort)(Unsafe.Add(ref pa, x) + Unsafe.Add(ref pb, x));
    }

    /// <summary>Indices of the first and second sample of each horizontal pair in a block of <paramref name="lanes"/> elements.</summary>
    private static (byte[] First, byte[] Second, int InPerBlock) PairIndices(int channels, int lanes)
    {
        int inBlock = lanes / (2 * channels) * 2 * channels;
        var a = new byte[lanes]; var b = new byte[lanes];
        for (int j = 0; j < inBlock / 2; j++)
        {
            a[j] = (byte)(j / channels * 2 * channels + j % channels);
            b[j] = (byte)(a[j] + channels);
        }
        return (a, b, inBlock);
    }

    // Permute tables per channel count, built once (the hot loops must not allocate).
    private static readonly (Vector512<byte>, Vector512<byte>, int)[] Bytes512 = Tables(32, c =>
    {
        var (a, b, n) = PairIndices(c, 64);
        return (Vector512.Create((ReadOnlySpan<byte>)a), Vector512.Create((ReadOnlySpan<byte>)b), n);
    });
    private static readonly (Vector128<byte>, Vector128<byte>, int)[] Bytes128 = Tables(8, c =>
    {
        var (a, b, n) = PairIndices(c, 16);
        return (Vector128.Create((ReadOnlySpan<byte>)a), Vector128.Create((ReadOnlySpan<byte>)b), n);
    });
    private static readonly (Vector512<ushort>, Vector512<ushort>, int)[] Words512 = Tables(16, c =>
    {
        var (a, b, n) = PairIndices(c, 32);
        return (Vector512.Create(Array.ConvertAll(a, x => (ushort)x)), Vector512.Create(Array.ConvertAll(b, x => (ushort)x)), n);
    });
    private static readonly (Vector128<byte>, Vector128<byte>, int)[] Words128 = Tables(4, c =>
    {
        var (a, b, n) = PairIndices(c, 8);
        return (WordShuffle(a), WordShuffle(b), n);
    });

    private static T[] Tables<T>(int maxChannels, Func<int, T> make)
    {
        var t = new T[maxChannels + 1];
        for (int c = 1; c <= maxChannels; c++) t[c] = make(c);
        return t;
    }

    private static readonly (Vector512<byte>, int)[] AdjacentPairs512 = Tables(32, c =>
    {
        // Output j's two horizontal partners placed side by side (bytes 2j, 2j+1) for vpmaddubsw.
        var (a, _, n) = PairIndices(c, 64);
        var idx = new byte[64];
        for (int j = 0; j < n / 2; j++) { idx[2 * j] = a[j]; idx[2 * j + 1] = (byte)(a[j] + c); }
        return (Vector512.Create((ReadOnlySpan<byte>)idx), n);
    });

    /// <summary>
    /// One output row of the 2×2 stride-2 max pool from input rows a and b, in one pass:
    /// vertical max, then the horizontal partners gathered by two <c>vpermb</c>.
    /// </summary>
    [MethodImpl(Hot)]
    public static void MaxPool2x2Row(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst, int channels, Span<byte> scratch, SimdLevel level)
    {
        int n = dst.Length, o = 0, i = 0;
        if (level >= SimdLevel.V512 && Avx512Vbmi.IsSupported && channels <= 32)
        {
            ref byte pa = ref MemoryMarshal.GetReference(a), pb = ref MemoryMarshal.GetReference(b), pd = ref MemoryMarshal.GetReference(dst);
            var (ia, ib, inBlock) = Bytes512[channels];
            // At most 32 outputs per step are valid, so store the lower half only: full 64-byte
            // stores overlapping by half made this loop ~4x slower (probe at 1080p BGR, 0.6 -> 0.15 ms).
            for (; o + 32 <= n && i + 64 <= a.Length; o += inBlock / 2, i += inBlock)
            {
                var v = Vector512.Max(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i));
                Vector512.Max(Avx512Vbmi.PermuteVar64x8(v, ia), Avx512Vbmi.PermuteVar64x8(v, ib)).GetLower().StoreUnsafe(ref pd, (nuint)o);
            }
            for (int xo = o / channels, ch = o % channels; o < n; o++)
            {
                int k = xo * 2 * channels + ch;     // no division per sample: the tail is up to a vector long
                dst[o] = Math.Max(Math.Max(a[k], a[k + channels]), Math.Max(b[k], b[k + channels]));
                if (++ch == channels) { ch = 0; xo++; }
            }
            return;
        }
        MaxRows(a, b, scratch, level);
        MaxPairs(scratch, dst, channels, level);
    }

    /// <summary>
    /// One output row of the 2×2 stride-2 average pool, <c>(a+b+c+d+2) >> 2</c>, in one pass:
    /// partners made adjacent by one <c>vpermb</c> per row, summed by <c>vpmaddubsw</c> into
    /// 16-bit lanes, the two rows added, rounded, narrowed by <c>vpmovwb</c>.
    /// </summary>
    [MethodImpl(Hot)]
    public static void AvgPool2x2Row(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst, int channels, Span<ushort> scratch, SimdLevel level)
    {
        int n = dst.Length, o = 0, i = 0;
        if (level >= SimdLevel.V512 && Avx512Vbmi.IsSupported && channels <= 32)
        {
            ref byte pa = ref MemoryMarshal.GetReference(a), pb = ref MemoryMarshal.GetReference(b), pd = ref MemoryMarshal.GetReference(dst);
            var (idx, inBlock) = AdjacentPairs512[channels];
            var ones = Vector512<sbyte>.One; var two = Vector512.Create((short)2);
            for (; o + 32 <= n && i + 64 <= a.Length; o += inBlock / 2, i += inBlock)
            {
                var sa = Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref pa, (nuint)i), idx), ones);
                var sb = Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref pb, (nuint)i), idx), ones);
                Avx512BW.ConvertToVector256Byte(((sa + sb + two) >>> 2).AsUInt16()).StoreUnsafe(ref pd, (nuint)o);
            }
            for (int xo = o / channels, ch = o % channels; o < n; o++)
            {
                int k = xo * 2 * channels + ch;     // no division per sample: the tail is up to a vector long
                dst[o] = (byte)((a[k] + a[k + channels] + b[k] + b[k + channels] + 2) >> 2);
                if (++ch == channels) { ch = 0; xo++; }
            }
            return;
        }
        SumRows(a, b, scratch, level);
        AvgPairs(scratch, dst, channels, level);
    }

    /// <summary>out[xo·C+c] = max(v[2xo·C+c], v[(2xo+1)·C+c]) for the whole output row.</summary>
    [MethodImpl(Hot)]
    public static void MaxPairs(ReadOnlySpan<byte> v, Span<byte> dst, int channels, SimdLevel level)
    {
        int n = dst.Length, o = 0, i = 0;
        ref byte pv = ref MemoryMarshal.GetReference(v); ref byte pd = ref MemoryMarshal.GetReference(dst);
        if (level >= SimdLevel.V512 && Avx512Vbmi.IsSupported && channels <= 32)
        {
            var (ia, ib, inBlock) = Bytes512[channels];
            // Each step writes a full vector of which inBlock/2 bytes are valid; the next step
            // overwrites the rest, and the last full store must stay inside the row.
            for (; o + 64 <= n && i + 64 <= v.Length; o += inBlock / 2, i += inBlock)
            {
                var s = Vector512.LoadUnsafe(ref pv, (nuint)i);
                Vector512.Max(Avx512Vbmi.PermuteVar64x8(s, ia), Avx512Vbmi.PermuteVar64x8(s, ib)).StoreUnsafe(ref pd, (nuint)o);
            }
        }
        else if (level >= SimdLevel.V128 && Ssse3.IsSupported && channels <= 8)
        {
            var (ia, ib, inBlock) = Bytes128[channels];
            for (; o + 16 <= n && i + 16 <= v.Length; o += inBlock / 2, i += inBlock)
            {
                var s = Vector128.LoadUnsafe(ref pv, (nuint)i);
                Vector128.Max(Ssse3.Shuffle(s, ia), Ssse3.Shuffle(s, ib)).StoreUnsafe(ref pd, (nuint)o);
            }
        }
        for (int xo = o / channels, ch = o % channels; o < n; o++)
        {
            int k = xo * 2 * channels + ch;
            Unsafe.Add(ref pd, o) = Math.Max(Unsafe.Add(ref pv, k), Unsafe.Add(ref pv, k + channels));
            if (++ch == channels) { ch = 0; xo++; }
        }
    }

    /// <summary>out[xo·C+c] = (s[2xo·C+c] + s[(2xo+1)·C+c] + 2) >> 2, where s holds vertical pair sums.</summary>
    [MethodImpl(Hot)]
    public static void AvgPairs(ReadOnlySpan<ushort> s, Span<byte> dst, int channels, SimdLevel level)
    {
        int n = dst.Length, o = 0, i = 0;
        ref ushort ps = ref MemoryMarshal.GetReference(s); ref byte pd = ref MemoryMarshal.GetReference(dst);
        if (level >= SimdLevel.V512 && Avx512BW.IsSupported && channels <= 16)
        {
            var (ia, ib, inBlock) = Words512[channels];
            var two = Vector512.Create((ushort)2);
            for (; o + 32 <= n && i + 32 <= s.Length; o += inBlock / 2, i += inBlock)
            {
                var v = Vector512.LoadUnsafe(ref ps, (nuint)i);
                var sum = (Avx512BW.PermuteVar32x16(v, ia) + Avx512BW.PermuteVar32x16(v, ib) + two) >>> 2;
                Avx512BW.ConvertToVector256Byte(sum).StoreUnsafe(ref pd, (nuint)o);
            }
        }
        else if (level >= SimdLevel.V128 && Ssse3.IsSupported && channels <= 4)
        {
            var (ia, ib, inBlock) = Words128[channels];
            var two = Vector128.Create((ushort)2);
            for (; o + 8 <= n && i + 8 <= s.Length; o += inBlock / 2, i += inBlock)
            {
                var v = Vector128.LoadUnsafe(ref ps, (nuint)i).AsByte();
                var sum = (Ssse3.Shuffle(v, ia).AsUInt16() + Ssse3.Shuffle(v, ib).AsUInt16() + two) >>> 2;
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref pd, o), Sse2.PackUnsignedSaturate(sum.AsInt16(), sum.AsInt16()).AsUInt64().ToScalar());
            }
        }
        for (int xo = o / channels, ch = o % channels; o < n; o++)
        {
            int k = xo * 2 * channels + ch;
            Unsafe.Add(ref pd, o) = (byte)((Unsafe.Add(ref ps, k) + Unsafe.Add(ref ps, k + channels) + 2) >> 2);
            if (++ch == channels) { ch = 0; xo++; }
        }
    }

    private static Vector128<byte> WordShuffle(byte[] words)
    {
        var b = new byte[16];
        for (int j = 0; j < 8; j++) { b[2 * j] = (byte)(2 * words[j]); b[2 * j + 1] = (byte)(2 * words[j] + 1); }
        return Vector128.Create((ReadOnlySpan<byte>)b);
    }
}
