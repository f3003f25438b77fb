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
    public void BucketsListWhatWasRecordedInOrderWithBoundsAroundEachValue()
    {
        var rng = new Random(7);
        var h = new LatencyHistogram();
        var values = Enumerable.Range(0, 3000).Select(_ => (long)Math.Exp(rng.NextDouble() * 12 + 3)).ToList();
        foreach (long v in values) h.Record(v);
        var buckets = h.Buckets().ToList();
        Assert.Equal(values.Count, buckets.Sum(b => b.Count));
        for (int i = 1; i < buckets.Count; i++) Assert.True(buckets[i - 1].UpperNs <= buckets[i].LowerNs, $"bucket {i} out of order");
        // Each bucket's count is exactly the values inside its bounds.
        foreach (var b in buckets) Assert.Equal(values.Count(v => v >= b.LowerNs && v < b.UpperNs), b.Count);
        Assert.Empty(new LatencyHistogram().Buckets());
    }

    [Fact]
    public void FrameSeriesKeepsEveryFrameUntilFullThenMergesPairsKeepingTheLarger()
    {
        var s = new FrameSeries(8);
        for (int i = 1; i <= 8; i++) s.Record(i * 10);
        Assert.Equal((8, 1), (s.Count, s.FramesPerSample));
        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80], Enumerable.Range(0, s.Count).Select(i => s[i]));
        // The ninth frame halves the samples (each the larger of a pair) and starts covering two frames each.
        s.Record(5);
        s.Record(95);
        Assert.Equal(2, s.FramesPerSample);
        Assert.Equal([20, 40, 60, 80, 95], Enumerable.Range(0, s.Count).Select(i => s[i]));
        // A spike in a run of any length survives: 10 000 frames of 1 with one of 1000 at frame 7777.
        var long_ = new FrameSeries(8);
        for (int i = 0; i < 10000; i++) long_.Record(i == 7777 ? 1000 : 1);
        Assert.InRange(long_.Count, 4, 8);
        Assert.Equal(2048, long_.FramesPerSample);
        Assert.Equal(1000, long_[7777 / long_.FramesPerSample]);
        Assert.Equal(1, Enumerable.Range(0, long_.Count).Count(i => long_[i] == 1000));
        long_.Clear();
        Assert.Equal((0, 1), (long_.Count, long_.FramesPerSample));
        Assert.Throws<ArgumentOutOfRangeException>(() => long_[0]);
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
