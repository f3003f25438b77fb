using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Tests.Widths;

/// <summary>
/// The word operations <see cref="IByteOps{TVec}"/> gained for the separable passes, at every
/// width, against plain ushort arithmetic on seeded random words (extremes mixed in, so wrapping
/// and the high product's top bits are exercised). Loads read one guard word of all ones past
/// the lanes, which must not show.
/// </summary>
public sealed unsafe class SeparableWordOpsTests
{
    [Fact]
    public void V128_words_equal_ushort_arithmetic() => Check<Vector128<byte>, Bytes128>();

    [Fact]
    public void V256_words_equal_ushort_arithmetic() => Check<Vector256<byte>, Bytes256>();

    [Fact]
    public void V512_words_equal_ushort_arithmetic() => Check<Vector512<byte>, Bytes512>();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Check<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec>
    {
        int n = TOps.Count / 2;
        var rng = new Random(n);
        var a = new ushort[n + 1];
        var b = new ushort[n + 1];
        var bytes = new byte[n + 1];
        a[n] = b[n] = 65535;
        bytes[n] = 255;
        var got = new ushort[n];
        for (int round = 0; round < 200; round++)
        {
            for (int i = 0; i < n; i++)
            {
                a[i] = (ushort)(rng.Next(4) == 0 ? new[] { 0, 1, 255, 256, 32767, 32768, 65535 }[rng.Next(7)] : rng.Next(65536));
                b[i] = (ushort)rng.Next(65536);
                bytes[i] = (byte)rng.Next(256);
            }
            fixed (ushort* pa = a, pb = b)
            fixed (byte* pbytes = bytes)
            {
                TVec va = TOps.Load((byte*)pa), vb = TOps.Load((byte*)pb);
                Expect(got, TOps.MultiplyWords(va, vb), i => a[i] * b[i], $"MultiplyWords at {typeof(TOps).Name}");
                Expect(got, TOps.MultiplyHighWords(va, vb), i => (int)((uint)a[i] * b[i] >> 16), $"MultiplyHighWords at {typeof(TOps).Name}");
                Expect(got, TOps.LoadBytesAsWords(pbytes), i => bytes[i], $"LoadBytesAsWords at {typeof(TOps).Name}");
            }
        }
    }

    private static void Expect<TVec>(ushort[] got, TVec v, Func<int, int> spec, string what) where TVec : unmanaged
    {
        fixed (ushort* p = got) Unsafe.Write(p, v);
        for (int i = 0; i < got.Length; i++)
            Assert.True(got[i] == (ushort)spec(i), $"{what}, lane {i}: {got[i]}, expected {(ushort)spec(i)}");
    }
}
