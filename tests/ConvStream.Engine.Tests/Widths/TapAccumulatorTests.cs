using ConvStream.Engine.Filters.Kernels;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Tests.Widths;

/// <summary>
/// The 2-D filter's tap loop at every width against its scalar specification, bit for bit, on
/// lengths around each width's block (8 vectors) and tail. <see cref="TapAccumulator.RunPair"/> is
/// checked at every width too, although Filter2D only takes it at V512.
/// </summary>
public sealed unsafe class TapAccumulatorTests
{
    private static readonly int[] Lengths = [1, 3, 4, 7, 15, 16, 17, 31, 33, 64, 127, 128, 129, 200, 257];

    [Fact]
    public void Every_width_equals_the_scalar_specification()
    {
        var rng = new Random(91);
        foreach (int n in Lengths)
            foreach (int nTaps in new[] { 1, 2, 5, 9 })
            {
                int stride = n + TapAccumulator.Slack;
                var rows = new float[nTaps * stride];
                for (int i = 0; i < rows.Length; i++) rows[i] = (float)(rng.NextDouble() * 512 - 256);
                var w = Enumerable.Range(0, nTaps).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
                var kind = Enumerable.Range(0, nTaps).Select(_ => (byte)rng.Next(3)).ToArray();
                var w1 = Enumerable.Range(0, nTaps).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
                // The pair's specification: each row is a one-row run over the entries that feed it.
                float init = 3.25f;
                var expected = new float[stride];
                var expected0 = new float[stride];
                var expected1 = new float[stride];
                var tapRows = new nint[nTaps];
                fixed (float* r = rows, pw = w, pw1 = w1, e = expected, e0 = expected0, e1 = expected1)
                fixed (byte* pk = kind)
                fixed (nint* pt = tapRows)
                {
                    var taps = (float**)pt;
                    for (int t = 0; t < nTaps; t++) taps[t] = r + t * stride;
                    TapAccumulator.RunScalar(taps, pw, nTaps, init, e, n);
                    RunSkipping(taps, kind, 1, pw, nTaps, init, e0, n);
                    RunSkipping(taps, kind, 0, pw1, nTaps, init, e1, n);
                    foreach (var level in Engine.Simd.Simd.Supported)
                    {
                        var got = new float[stride];
                        var got0 = new float[stride];
                        var got1 = new float[stride];
                        fixed (float* g = got, g0 = got0, g1 = got1)
                        {
                            TapAccumulator.Run(taps, pw, nTaps, init, g, n, level);
                            TapAccumulator.RunPair(taps, pw, pw1, pk, nTaps, init, g0, g1, n, level);
                        }
                        for (int x = 0; x < n; x++)
                        {
                            Assert.True(BitConverter.SingleToInt32Bits(expected[x]) == BitConverter.SingleToInt32Bits(got[x]),
                                $"Run at {level}, n={n}, {nTaps} taps: x={x} is {got[x]}, expected {expected[x]}");
                            Assert.True(BitConverter.SingleToInt32Bits(expected0[x]) == BitConverter.SingleToInt32Bits(got0[x]),
                                $"RunPair row 0 at {level}, n={n}, {nTaps} taps: x={x} is {got0[x]}, expected {expected0[x]}");
                            Assert.True(BitConverter.SingleToInt32Bits(expected1[x]) == BitConverter.SingleToInt32Bits(got1[x]),
                                $"RunPair row 1 at {level}, n={n}, {nTaps} taps: x={x} is {got1[x]}, expected {expected1[x]}");
                        }
                    }
                }
            }
    }

    /// <summary>The scalar specification over the entries whose kind is not <paramref name="skip"/>.</summary>
    private static void RunSkipping(float** taps, byte[] kind, int skip, float* w, int nTaps, float init, float* dst, int n)
    {
        var kept = new nint[nTaps];
        var kw = new float[nTaps];
        int m = 0;
        for (int t = 0; t < nTaps; t++)
            if (kind[t] != skip) { kept[m] = (nint)taps[t]; kw[m] = w[t]; m++; }
        fixed (nint* k = kept)
        fixed (float* pw = kw)
            TapAccumulator.RunScalar((float**)k, pw, m, init, dst, n);
    }
}
