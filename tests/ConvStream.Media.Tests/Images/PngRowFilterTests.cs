using ConvStream.Media.Images.Png;
using ConvStream.Engine.Simd;
using SimdConfig = ConvStream.Engine.Simd.Simd;

namespace ConvStream.Media.Tests.Images;

/// <summary>The PNG encoder's vector filters against the scalar spec at every SIMD level (OpenCV decoding its files is PngWriterTests').</summary>
public class PngRowFilterTests
{
    private static readonly int[] Lengths = [0, 1, 2, 3, 5, 7, 15, 16, 17, 31, 33, 63, 64, 65, 100, 129, 300, 20_000];
    private static readonly int[] Bpps = [1, 2, 3, 4, 6, 8];

    [Fact]
    public void EveryLevelMatchesTheScalarSpec()
    {
        var rng = new Random(42);
        foreach (var level in SimdConfig.Supported)
        {
            foreach (int n in Lengths)
                foreach (int bpp in Bpps)
                {
                    byte[] raw = new byte[n], prior = new byte[n];
                    rng.NextBytes(raw);
                    rng.NextBytes(prior);
                    if (n > 1000) for (int i = 0; i < n / 2; i++) { raw[i] = 0x80; prior[i] = 0; } // |−128| on thousands of bytes: score lanes near overflow
                    for (int type = 0; type <= 4; type++)
                    {
                        byte[] expected = new byte[n], actual = new byte[n];
                        long expectedScore = PngRowFilter.FilterScalar(type, raw, prior, bpp, expected);
                        long score = FilterAt(level, type, raw, prior, bpp, actual);
                        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{level}: filter {type}, {n} bytes, bpp {bpp}");
                        Assert.True(expectedScore == score, $"{level}: filter {type}, {n} bytes, bpp {bpp}: score {score}, spec {expectedScore}");
                    }
                }
        }
    }

    /// <summary>The encoder's filter at one level (the process default level is fixed, so the level is passed).</summary>
    private static long FilterAt(SimdLevel level, int type, byte[] raw, byte[] prior, int bpp, byte[] filtered)
        => PngRowFilter.Filter(type, raw, prior, bpp, filtered, level);

    [Fact]
    public void ScoreIsTheSumOfSignedMagnitudes()
    {
        // Up filter of raw = prior + d gives d; the score reads each byte as signed: 1 + 1 + 127 + 128 + 0.
        byte[] prior = [10, 10, 10, 10, 10];
        byte[] raw = [11, 9, 137, 138, 10];
        byte[] filtered = new byte[5];
        Assert.Equal(1 + 1 + 127 + 128 + 0, PngRowFilter.FilterScalar(PngRowFilter.Up, raw, prior, 1, filtered));
        Assert.Equal(new byte[] { 1, 255, 127, 128, 0 }, filtered);
    }

    [Fact]
    public void PaethPredictorBreaksTiesAsTheSpec()
    {
        // PNG spec: a if it is closest (ties prefer a), then b, then c.
        Assert.Equal(5, PngRowFilter.Predict(5, 5, 5));   // all equal: a
        Assert.Equal(10, PngRowFilter.Predict(10, 20, 20)); // p = 10: a exact
        Assert.Equal(20, PngRowFilter.Predict(10, 20, 10)); // p = 20: b exact
        Assert.Equal(20, PngRowFilter.Predict(10, 20, 7));  // p = 23: distances 13, 3, 16 -> b
        Assert.Equal(10, PngRowFilter.Predict(10, 20, 30)); // p = 0: distances 10, 20, 30 -> a
        Assert.Equal(15, PngRowFilter.Predict(10, 20, 15)); // p = 15: distances 5, 5, 0 -> c
        Assert.Equal(20, PngRowFilter.Predict(10, 30, 20)); // p = 20: distances 10, 10, 0 -> c (c = 20)
    }
}
