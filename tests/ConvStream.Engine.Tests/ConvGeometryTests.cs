using ConvStream.Engine.Geometry;

namespace ConvStream.Engine.Tests;

/// <summary>Output sizes, pooling sizes, transposed sizes and receptive fields (DESIGN §3).</summary>
public sealed class ConvGeometryTests
{
    [Theory]
    [InlineData(4, 2, 1, 0, 0, 1, 3)]      // the seeds: (4 − 2)/1 + 1
    [InlineData(4, 2, 2, 0, 0, 1, 2)]      // (4 − 2)/2 + 1
    [InlineData(32, 5, 1, 2, 2, 1, 32)]    // 'same' by hand
    [InlineData(7, 3, 2, 1, 1, 1, 4)]      // floor((7 + 2 − 3)/2) + 1
    [InlineData(10, 3, 1, 0, 0, 2, 6)]     // dilation 2: effective kernel 5
    [InlineData(5, 3, 1, 0, 1, 1, 4)]      // asymmetric padding
    [InlineData(2, 3, 1, 0, 0, 1, 0)]      // kernel larger than the input: no output
    public void OutputSize(int input, int kernel, int stride, int before, int after, int dilation, int expected)
        => Assert.Equal(expected, ConvGeometry.OutputSize(input, kernel, stride, before, after, dilation));

    [Theory]
    [InlineData(5, 2, 2, 0, 1, false, 2)]  // floor drops the last partial window
    [InlineData(5, 2, 2, 0, 1, true, 3)]   // ceil keeps it
    [InlineData(6, 2, 2, 0, 1, true, 3)]   // ceil changes nothing when it fits
    [InlineData(10, 3, 2, 1, 1, true, 6)]  // torch: max_pool2d(10, 3, 2, 1, ceil_mode=True) → 6
    [InlineData(5, 3, 3, 1, 1, true, 2)]   // a window that would start in the right padding is dropped
    [InlineData(12, 3, 2, 1, 2, false, 5)] // dilation 2
    public void PoolOutputSize(int input, int kernel, int stride, int pad, int dilation, bool ceil, int expected)
        => Assert.Equal(expected, ConvGeometry.PoolOutputSize(input, kernel, stride, pad, dilation, ceil));

    [Theory]
    [InlineData(540, 2, 2, 0, 1, 0, 1080)] // the upsampling layer: doubles
    [InlineData(4, 3, 2, 1, 1, 1, 8)]      // (4−1)·2 − 2 + 2 + 1 + 1
    [InlineData(5, 3, 1, 0, 2, 0, 9)]      // dilation 2
    public void TransposedOutputSize(int input, int kernel, int stride, int pad, int dilation, int outputPadding, int expected)
        => Assert.Equal(expected, ConvGeometry.TransposedOutputSize(input, kernel, stride, pad, dilation, outputPadding));

    [Fact]
    public void TransposedSizeInvertsTheConvolutionSize()
    {
        for (int input = 1; input < 20; input++)
            for (int k = 1; k < 5; k++)
                for (int s = 1; s < 4; s++)
                    for (int p = 0; p <= (k - 1) / 2; p++)
                    {
                        int o = ConvGeometry.OutputSize(input, k, s, p, p);
                        if (o <= 0) continue;
                        int back = ConvGeometry.TransposedOutputSize(o, k, s, p, 1, (input + 2 * p - k) % s);
                        Assert.Equal(input, back);
                    }
    }

    [Fact]
    public void ReceptiveFieldOfThreeStacked3x3ConvolutionsIs7()
    {
        var (field, jump) = ConvGeometry.ReceptiveField([(3, 1, 1), (3, 1, 1), (3, 1, 1)]);
        Assert.Equal(7, field);
        Assert.Equal(1, jump);
    }

    [Fact]
    public void ReceptiveFieldGrowsWithStridesAndDilations()
    {
        // conv3 s1 → pool2 s2 → conv3 s1: 1 + 2·1 + 1·1 + 2·2 = 8, jump 2.
        Assert.Equal((8, 2), ConvGeometry.ReceptiveField([(3, 1, 1), (2, 2, 1), (3, 1, 1)]));
        // dilations 1, 2, 4 (WaveNet-like): 1 + 2 + 4 + 8 = 15.
        Assert.Equal((15, 1), ConvGeometry.ReceptiveField([(3, 1, 1), (3, 1, 2), (3, 1, 4)]));
        // a 7×7 stride-2 stem then 3×3 stride-2 pool: 1 + 6 + 2·2 = 11, jump 4.
        Assert.Equal((11, 4), ConvGeometry.ReceptiveField([(7, 2, 1), (3, 2, 1)]));
        Assert.Equal((1, 1), ConvGeometry.ReceptiveField([]));
    }
}
