using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Tests.Widths;

/// <summary>
/// The 16-bit word operations of <see cref="ISimdOps{TVec}"/> at every width, the one-lane
/// instantiation included, against plain ushort arithmetic on seeded random words (extremes
/// mixed in, so wrapping and the high product's top bits are exercised).
/// </summary>
public sealed unsafe class WordLanesTests
{
    [Fact]
    public void Scalar_words_equal_ushort_arithmetic() => Check<float, ScalarOps>();

    [Fact]
    public void V128_words_equal_ushort_arithmetic() => Check<Vector128<float>, V128Ops>();

    [Fact]
    public void V256_words_equal_ushort_arithmetic() => Check<Vector256<float>, V256Ops>();

    [Fact]
    public void V512_words_equal_ushort_arithmetic() => Check<Vector512<float>, V512Ops>();

    // Optimized at once, as the engine's kernels are: the scalar loads once met a JIT folding that
    // only optimized code shows (a word load widened to four bytes, reading the next word too).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Check<TVec, TOps>() where TVec : unmanaged where TOps : ISimdOps<TVec>
    {
        int n = TOps.WordCount;
        Assert.Equal(typeof(TVec) == typeof(float) ? 1 : 2 * TOps.Count, n);
        var rng = new Random(n);
        // One more element past the lanes, all ones: a load that reads past its lanes shows.
        var a = new ushort[n + 1];
        var b = new ushort[n + 1];
        var bytes = new byte[n + 1];
        a[n] = b[n] = 65535;
        bytes[n] = 255;
        var got = new ushort[n];
        var gotBytes = new byte[n];
        for (int round = 0; round < 200; round++)
        {
            for (int i = 0; i < n; i++)
            {
                a[i] = (ushort)(rng.Next(4) == 0 ? new[] { 0, 1, 255, 256, 32767, 32768, 65535 }[rng.Next(7)] : rng.Next(65536));
                b[i] = (ushort)rng.Next(65536);
                bytes[i] = (byte)rng.Next(256);
            }
            ushort scalarB = b[0];
            fixed (ushort* pa = a, pb = b)
            fixed (byte* pbytes = bytes, pgb = gotBytes)
            {
                TVec va = TOps.LoadWords(pa), vb = TOps.LoadWords(pb);
                void Expect(string op, TVec v, Func<int, int> spec)
                {
                    Store<TVec, TOps>(got, v);
                    for (int i = 0; i < n; i++)
                        Assert.True(got[i] == (ushort)spec(i), $"{op} at {typeof(TOps).Name}, lane {i}: {got[i]}, expected {(ushort)spec(i)} (a={a[i]}, b={b[i]})");
                }
                Expect("LoadWords/StoreWords", va, i => a[i]);
                Expect("AddWords", TOps.AddWords(va, vb), i => a[i] + b[i]);
                Expect("SubtractWords", TOps.SubtractWords(va, vb), i => a[i] - b[i]);
                Expect("MultiplyWords", TOps.MultiplyWords(va, vb), i => a[i] * b[i]);
                Expect("MultiplyHighWords", TOps.MultiplyHighWords(va, vb), i => (int)((uint)a[i] * b[i] >> 16));
                Expect("ShiftRightWords 8", TOps.ShiftRightWords(va, 8), i => a[i] >> 8);
                Expect("ShiftRightWords 7", TOps.ShiftRightWords(va, 7), i => a[i] >> 7);
                Expect("AndWords", TOps.AndWords(va, vb), i => a[i] & b[i]);
                Expect("BroadcastWord", TOps.BroadcastWord(scalarB), _ => scalarB);
                Expect("LoadBytesAsWords", TOps.LoadBytesAsWords(pbytes), i => bytes[i]);
                TOps.StoreWordsAsBytes(pgb, TOps.AndWords(va, TOps.BroadcastWord(255)));
                for (int i = 0; i < n; i++) Assert.True(gotBytes[i] == (a[i] & 255), $"StoreWordsAsBytes at {typeof(TOps).Name}, lane {i}");
            }
        }
    }

    private static void Store<TVec, TOps>(ushort[] into, TVec v) where TVec : unmanaged where TOps : ISimdOps<TVec>
    {
        fixed (ushort* p = into) TOps.StoreWords(p, v);
    }
}
