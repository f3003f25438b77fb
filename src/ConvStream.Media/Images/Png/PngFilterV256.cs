using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConvStream.Media.Images.Png;

/// <summary>
/// The PNG encoder's filters, 32 bytes at a time (<see cref="PngRowFilter.FilterScalar"/> is the
/// spec). Encoding reads only raw bytes, so every byte is independent: a = raw[i−bpp], b = prior[i],
/// c = prior[i−bpp] are plain shifted loads. Paeth's distances need 9 bits and are computed in 16-bit
/// lanes. The score (sum of |filtered byte| read as signed) accumulates in 16-bit lanes, flushed
/// before they could overflow. One text kept in three files, one per vector width (as Sep does);
/// no generator exists, so change all three together: the tests hold each against the scalar filter.
/// </summary>
internal static class PngFilterV256
{
    private const int Width = 32;
    private const int FlushEvery = 128; // 128 steps × 256 per 16-bit lane = 32768 < 65536

    public static long Filter(int type, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, int bpp, Span<byte> filtered)
    {
        int n = raw.Length;
        int head = Math.Min(bpp, n);
        // The first pixel has no left neighbour: the scalar spec handles it, and the tail.
        long score = PngRowFilter.FilterScalar(type, raw[..head], prior[..head], bpp, filtered[..head]);
        ref byte r = ref MemoryMarshal.GetReference(raw);
        ref byte p = ref MemoryMarshal.GetReference(prior);
        ref byte o = ref MemoryMarshal.GetReference(filtered);
        var acc = Vector256<ushort>.Zero;
        int steps = 0, i = head;
        for (; i + Width <= n; i += Width)
        {
            var x = Vector256.LoadUnsafe(ref r, (nuint)i);
            var b = Vector256.LoadUnsafe(ref p, (nuint)i);
            Vector256<byte> predicted;
            switch (type)
            {
                case PngRowFilter.Sub: predicted = Vector256.LoadUnsafe(ref r, (nuint)(i - bpp)); break;
                case PngRowFilter.Up: predicted = b; break;
                case PngRowFilter.Average:
                    {
                        var a = Vector256.LoadUnsafe(ref r, (nuint)(i - bpp));
                        predicted = (a & b) + Vector256.ShiftRightLogical(a ^ b, 1); // floor((a+b)/2) without overflow
                        break;
                    }
                case PngRowFilter.Paeth:
                    predicted = Paeth(Vector256.LoadUnsafe(ref r, (nuint)(i - bpp)), b, Vector256.LoadUnsafe(ref p, (nuint)(i - bpp)));
                    break;
                default: predicted = Vector256<byte>.Zero; break;
            }
            var d = x - predicted;
            d.StoreUnsafe(ref o, (nuint)i);
            var (lo, hi) = Vector256.Widen(Vector256.Abs(d.AsSByte()).AsByte()); // |−128| stays 0x80 = 128 as a byte
            acc += lo + hi;
            if (++steps == FlushEvery) { score += Sum(acc); acc = Vector256<ushort>.Zero; steps = 0; }
        }
        score += Sum(acc);
        if (i < n) score += PngRowFilter.FilterScalarFrom(type, raw, prior, bpp, filtered, i);
        return score;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Sum(Vector256<ushort> v)
    {
        var (lo, hi) = Vector256.Widen(v);
        return Vector256.Sum(lo + hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Paeth(Vector256<byte> a, Vector256<byte> b, Vector256<byte> c)
    {
        var (aLo, aHi) = Vector256.Widen(a);
        var (bLo, bHi) = Vector256.Widen(b);
        var (cLo, cHi) = Vector256.Widen(c);
        return Vector256.Narrow(Paeth16(aLo.AsInt16(), bLo.AsInt16(), cLo.AsInt16()), Paeth16(aHi.AsInt16(), bHi.AsInt16(), cHi.AsInt16()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> Paeth16(Vector256<short> a, Vector256<short> b, Vector256<short> c)
    {
        // p = a + b − c, so |p − a| = |b − c|, |p − b| = |a − c|, |p − c| = |(a − c) + (b − c)|.
        var ac = a - c;
        var bc = b - c;
        var pa = Vector256.Abs(bc);
        var pb = Vector256.Abs(ac);
        var pc = Vector256.Abs(ac + bc);
        var pickA = Vector256.LessThanOrEqual(pa, pb) & Vector256.LessThanOrEqual(pa, pc);
        var pickB = Vector256.LessThanOrEqual(pb, pc);
        return Vector256.ConditionalSelect(pickA, a, Vector256.ConditionalSelect(pickB, b, c)).AsUInt16();
    }
}
