using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConvStream.Media.Images.Png;

/// <summary>
/// The PNG encoder's filters, 64 bytes at a time (<see cref="PngRowFilter.FilterScalar"/> is the
/// spec). Encoding reads only raw bytes, so every byte is independent: a = raw[i−bpp], b = prior[i],
/// c = prior[i−bpp] are plain shifted loads. Paeth's distances need 9 bits and are computed in 16-bit
/// lanes. The score (sum of |filtered byte| read as signed) accumulates in 16-bit lanes, flushed
/// before they could overflow. One text kept in three files, one per vector width (as Sep does);
/// no generator exists, so change all three together: the tests hold each against the scalar filter.
/// </summary>
internal static class PngFilterV512
{
    private const int Width = 64;
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
        var acc = Vector512<ushort>.Zero;
        int steps = 0, i = head;
        for (; i + Width <= n; i += Width)
        {
            var x = Vector512.LoadUnsafe(ref r, (nuint)i);
            var b = Vector512.LoadUnsafe(ref p, (nuint)i);
            Vector512<byte> predicted;
            switch (type)
            {
                case PngRowFilter.Sub: predicted = Vector512.LoadUnsafe(ref r, (nuint)(i - bpp)); break;
                case PngRowFilter.Up: predicted = b; break;
                case PngRowFilter.Average:
                    {
                        var a = Vector512.LoadUnsafe(ref r, (nuint)(i - bpp));
                        predicted = (a & b) + Vector512.ShiftRightLogical(a ^ b, 1); // floor((a+b)/2) without overflow
                        break;
                    }
                case PngRowFilter.Paeth:
                    predicted = Paeth(Vector512.LoadUnsafe(ref r, (nuint)(i - bpp)), b, Vector512.LoadUnsafe(ref p, (nuint)(i - bpp)));
                    break;
                default: predicted = Vector512<byte>.Zero; break;
            }
            var d = x - predicted;
            d.StoreUnsafe(ref o, (nuint)i);
            var (lo, hi) = Vector512.Widen(Vector512.Abs(d.AsSByte()).AsByte()); // |−128| stays 0x80 = 128 as a byte
            acc += lo + hi;
            if (++steps == FlushEvery) { score += Sum(acc); acc = Vector512<ushort>.Zero; steps = 0; }
        }
        score += Sum(acc);
        if (i < n) score += PngRowFilter.FilterScalarFrom(type, raw, prior, bpp, filtered, i);
        return score;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Sum(Vector512<ushort> v)
    {
        var (lo, hi) = Vector512.Widen(v);
        return Vector512.Sum(lo + hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Paeth(Vector512<byte> a, Vector512<byte> b, Vector512<byte> c)
    {
        var (aLo, aHi) = Vector512.Widen(a);
        var (bLo, bHi) = Vector512.Widen(b);
        var (cLo, cHi) = Vector512.Widen(c);
        return Vector512.Narrow(Paeth16(aLo.AsInt16(), bLo.AsInt16(), cLo.AsInt16()), Paeth16(aHi.AsInt16(), bHi.AsInt16(), cHi.AsInt16()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> Paeth16(Vector512<short> a, Vector512<short> b, Vector512<short> c)
    {
        // p = a + b − c, so |p − a| = |b − c|, |p − b| = |a − c|, |p − c| = |(a − c) + (b − c)|.
        var ac = a - c;
        var bc = b - c;
        var pa = Vector512.Abs(bc);
        var pb = Vector512.Abs(ac);
        var pc = Vector512.Abs(ac + bc);
        var pickA = Vector512.LessThanOrEqual(pa, pb) & Vector512.LessThanOrEqual(pa, pc);
        var pickB = Vector512.LessThanOrEqual(pb, pc);
        return Vector512.ConditionalSelect(pickA, a, Vector512.ConditionalSelect(pickB, b, c)).AsUInt16();
    }
}
