using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Outputs;

namespace ConvStream.Pipeline.Tests;

public class HistogramTests
{
    [Fact]
    public void PercentilesAreWithinTheBucketResolutionOfTheExactOnes()
    {
        var rng = new Random(5);
        var h = new LatencyHistogram();
        var values = new List<long>();
        for (int i = 0; i < 20000; i++)
        {
            // Log-normal-ish spread from ~1 µs to ~100 ms, as latencies are.
            long v = (long)Math.Exp(rng.NextDouble() * 11.5 + 7);
            values.Add(v);
            h.Record(v);
        }
        values.Sort();
        foreach (double q in new[] { 0.5, 0.9, 0.95, 0.99, 0.999 })
        {
            long exact = values[(int)Math.Ceiling(q * values.Count) - 1];
            long approx = h.Percentile(q);
            Assert.InRange(approx, exact * (1 - 1.0 / 32), exact * (1 + 1.0 / 32));
        }
        Assert.Equal(values[^1], h.MaxNanoseconds);
        Assert.Equal(values.Count, h.Count);
    }

    [Fact]
    public void BucketsCoverEveryValueOnce()
    {
        for (long v = 0; v < 5000; v++)
        {
            int b = LatencyHistogram.BucketOf(v);
            Assert.True(LatencyHistogram.LowerBound(b) <= v && v < LatencyHistogram.LowerBound(b + 1), $"{v} in bucket {b}");
        }
        Assert.Equal(0, new LatencyHistogram().Percentile(0.99));
    }

    [Fact]
    public void MosaicTilesFeatureMapsPerChannelAndColourFramesWhole()
    {
        var gray = new Frame(8, 4, 1);
        gray.Bytes.Fill(77);
        var maps = new Frame(8, 4, 2, PixelDepth.F32);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 8; x++) { maps.Row<float>(y)[2 * x] = x; maps.Row<float>(y)[2 * x + 1] = -5; }
        var composer = new MosaicComposer([FrameFormat.Of(gray), FrameFormat.Of(maps)], new FrameFormat(32, 16, 3, PixelDepth.U8));
        Assert.Equal(3, composer.TileCount);
        Assert.Equal((2, 2), (composer.Columns, composer.Rows));
        var display = new Frame(32, 16, 3);
        composer.Compose([gray, maps], display);
        // Tile 0 (16×8 cell, 8×4 frame scaled ×2): the gray frame.
        Assert.Equal(77, display.Row<byte>(3)[5 * 3]);
        // Tile 1: channel 0 of the maps stretched from 0..7 to 0..255: x=7 → 255, x=0 → 0.
        Assert.Equal(255, display.Row<byte>(3)[(16 + 15) * 3 + 1]);
        Assert.Equal(0, display.Row<byte>(3)[16 * 3 + 1]);
        // Tile 2: a flat channel shows as 0; tile 3 is empty.
        Assert.Equal(0, display.Row<byte>(12)[5 * 3]);
    }
}
