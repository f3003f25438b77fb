using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>
/// Every conv2d fast path against <see cref="Conv2dReference"/> (tolerance: <see cref="Conv2dAssert"/>)
/// on seeded random geometries, at every supported SIMD level with 1 and 2 threads; and the
/// thread count never changes a single bit of the result.
/// </summary>
public class Conv2dFastPathTests
{
    internal static void CheckEverywhere(Conv2dCase c, string name, Conv2dPath? path = null, long streamingMinBytes = StreamingOutput.DefaultMinBytes)
    {
        var expected = Conv2dReference.Forward(c.Input, c.Weight, c.Bias, c.Options);
        if (path is not null) Assert.Equal(path, new Conv2dPlan(c.Weight, c.Bias, c.Options).Path);
        Tensor? firstAtLevel = null;
        foreach (var (level, threads) in Conv2dSettings.All())
        {
            var actual = Conv2d.Forward(c.Input, c.Weight, c.Bias, c.Options, Conv2dSettings.Of(level, threads) with { StreamingMinBytes = streamingMinBytes });
            string context = $"{name} at {level} with {threads} thread(s)";
            Conv2dAssert.Close(c, expected, actual, context);
            if (threads == 1) firstAtLevel = actual;
            else Conv2dAssert.Identical(firstAtLevel!, actual, context + " vs 1 thread");
        }
    }

    [Fact]
    public void RandomGeometries_MatchTheReference()
    {
        var rng = new Random(20261122);
        for (int i = 0; i < 300; i++)
            CheckEverywhere(Conv2dCase.Generate(rng), $"case {i}");
    }

    [Fact]
    public void EveryOutputWidthTail_MatchesTheReference()
    {
        // Output widths 1..70 at stride 1, valid padding, 3×3: every tail of 4-, 8- and 16-lane vectors and of 4-vector blocks.
        var rng = new Random(7);
        for (int w = 3; w <= 72; w++)
        {
            var c = new Conv2dCase(Conv2dCase.Random(rng, 2, 3, w), Conv2dCase.Random(rng, 5, 2, 3, 3), Conv2dCase.Random(rng, 5),
                new Conv2dOptions());
            CheckEverywhere(c, $"width {w - 2}", Conv2dPath.Direct);
        }
    }

    [Fact]
    public void RankOneKernels_RunSeparable_AndMatchTheReference()
    {
        var rng = new Random(11);
        for (int i = 0; i < 80; i++)
            CheckEverywhere(Conv2dCase.Generate(rng, maxH: 12, rankOne: true), $"rank-1 case {i}", Conv2dPath.Separable);
    }

    [Fact]
    public void DepthwiseKernels_RunFourRowsAtATime_AndMatchTheReference()
    {
        // Heights up to 14 so every remainder of the 4-row groups occurs; channel multipliers included.
        var rng = new Random(16);
        for (int i = 0; i < 100; i++)
            CheckEverywhere(Conv2dCase.Generate(rng, maxH: 14, depthwise: true), $"depthwise case {i}", Conv2dPath.Depthwise);
    }

    [Fact]
    public void DepthwiseWithVerticalStrideOrDilation_RunsDirect()
    {
        var rng = new Random(17);
        var w = Conv2dCase.Random(rng, 6, 1, 3, 3);
        var x = Conv2dCase.Random(rng, 3, 11, 40);
        CheckEverywhere(new Conv2dCase(x, w, null, new Conv2dOptions { Groups = 3, Stride = new Size2(2, 1), Padding = Padding.Same }), "depthwise stride 2,1", Conv2dPath.Direct);
        CheckEverywhere(new Conv2dCase(x, w, null, new Conv2dOptions { Groups = 3, Dilation = new Size2(2, 1), Padding = 1, Border = BorderMode.Reflect }), "depthwise dilation 2,1", Conv2dPath.Direct);
    }

    [Fact]
    public void SmallRankOneKernel_WithVerticalStride_RunsSeparable()
    {
        // Without the row-blocked depthwise path to compete with, 4×4 already runs separable.
        var rng = new Random(18);
        var c = new Conv2dCase(Conv2dCase.Random(rng, 2, 13, 37), Conv2dCase.RankOne(rng, 4, 4, 4), Conv2dCase.Random(rng, 4),
            new Conv2dOptions { Groups = 2, Stride = new Size2(2, 1), Padding = Padding.Same, Border = BorderMode.Symmetric, Flip = true, Relu = true });
        CheckEverywhere(c, "rank-1 4x4 stride 2,1", Conv2dPath.Separable);
    }

    [Fact]
    public void NearlyRankOneKernel_IsNotSeparable()
    {
        var rng = new Random(12);
        var w = Conv2dCase.RankOne(rng, 3, 7, 7);
        w[9] += 1e-3f;
        var c = new Conv2dCase(Conv2dCase.Random(rng, 3, 9, 20), w, null, new Conv2dOptions { Groups = 3, Padding = Padding.Same, Border = BorderMode.Reflect });
        CheckEverywhere(c, "rank-1 plus 1e-3", Conv2dPath.Depthwise);
    }

    [Fact]
    public void PointwiseKernels_RunAsAProduct_AndMatchTheReference()
    {
        var rng = new Random(13);
        for (int i = 0; i < 80; i++)
            CheckEverywhere(Conv2dCase.Generate(rng, maxH: 20, maxChannels: 6, pointwise: true), $"1x1 case {i}", Conv2dPath.Pointwise);
    }

    [Fact]
    public void PaddedOrStridedOneByOne_RunsDirect()
    {
        var rng = new Random(14);
        var c = new Conv2dCase(Conv2dCase.Random(rng, 3, 7, 33), Conv2dCase.Random(rng, 6, 3, 1, 1), Conv2dCase.Random(rng, 6),
            new Conv2dOptions { Padding = Padding.Explicit(1, 0, 2, 1), Border = BorderMode.Symmetric });
        CheckEverywhere(c, "padded 1x1", Conv2dPath.Direct);
        CheckEverywhere(c with { Options = new Conv2dOptions { Stride = new Size2(2, 3) } }, "strided 1x1", Conv2dPath.Direct);
    }

    [Fact]
    public void ImagesLargeEnoughToSplit_GiveTheSameBitsOnOneAndTwoThreads()
    {
        // Big enough that Threads.For really makes two bands (checked), so band edges and the
        // per-band ring of rows are exercised; the benchmark's four convolutions at a small size.
        var rng = new Random(15);
        var cases = new[]
        {
            new Conv2dCase(Conv2dCase.Random(rng, 3, 37, 150), Conv2dCase.Random(rng, 16, 3, 3, 3), Conv2dCase.Random(rng, 16), new Conv2dOptions { Padding = 1 }),
            new Conv2dCase(Conv2dCase.Random(rng, 16, 23, 101), Conv2dCase.Random(rng, 16, 16, 3, 3), Conv2dCase.Random(rng, 16), new Conv2dOptions { Padding = 1, Relu = true }),
            new Conv2dCase(Conv2dCase.Random(rng, 3, 41, 133), Conv2dCase.Random(rng, 3, 1, 5, 5), Conv2dCase.Random(rng, 3), new Conv2dOptions { Padding = 2, Groups = 3 }),
            new Conv2dCase(Conv2dCase.Random(rng, 3, 67, 211), Conv2dCase.Random(rng, 16, 3, 1, 1), Conv2dCase.Random(rng, 16), new Conv2dOptions()),
            new Conv2dCase(Conv2dCase.Random(rng, 2, 4, 45, 160), Conv2dCase.RankOne(rng, 8, 7, 7), null, new Conv2dOptions { Padding = Padding.Same, Groups = 4, Border = BorderMode.Circular, Stride = new Size2(2, 1) }),
            new Conv2dCase(Conv2dCase.Random(rng, 2, 4, 30, 90), Conv2dCase.Random(rng, 6, 2, 3, 5), null, new Conv2dOptions { Padding = Padding.Full, Groups = 2, Border = BorderMode.Reflect, Stride = new Size2(1, 2), Dilation = new Size2(2, 1), Flip = true }),
        };
        for (int i = 0; i < cases.Length; i++)
        {
            var s = Conv2dShape.Resolve(cases[i].Input, cases[i].Weight, cases[i].Bias, cases[i].Options);
            Assert.True(s.MultiplyAdds >= 2 * Conv2dSettings.SmallSplits, $"case {i} is too small to be split");
            CheckEverywhere(cases[i], $"large case {i}");
        }
    }

    [Fact]
    public void StreamingStores_GiveTheSameResults()
    {
        // Outputs from 32 MiB up are written with aligned non-temporal stores; here every output
        // streams, on random geometries (every row alignment, tails, paths) and on bands split
        // across threads whose planes (and depthwise rows) are whole vectors, as streaming needs.
        var rng = new Random(19);
        for (int i = 0; i < 60; i++)
            CheckEverywhere(Conv2dCase.Generate(rng, maxW: 140), $"streaming case {i}", streamingMinBytes: 0);
        CheckEverywhere(new Conv2dCase(Conv2dCase.Random(rng, 3, 37, 160), Conv2dCase.Random(rng, 16, 3, 3, 3), Conv2dCase.Random(rng, 16), new Conv2dOptions { Padding = 1 }), "streaming 3->16", streamingMinBytes: 0);
        CheckEverywhere(new Conv2dCase(Conv2dCase.Random(rng, 3, 41, 128), Conv2dCase.Random(rng, 3, 1, 5, 5), Conv2dCase.Random(rng, 3), new Conv2dOptions { Padding = 2, Groups = 3 }), "streaming depthwise", Conv2dPath.Depthwise, streamingMinBytes: 0);
        CheckEverywhere(new Conv2dCase(Conv2dCase.Random(rng, 3, 67, 208), Conv2dCase.Random(rng, 16, 3, 1, 1), null, new Conv2dOptions()), "streaming 1x1", Conv2dPath.Pointwise, streamingMinBytes: 0);
        CheckEverywhere(new Conv2dCase(Conv2dCase.Random(rng, 2, 30, 97), Conv2dCase.RankOne(rng, 4, 7, 7), null, new Conv2dOptions { Groups = 2, Padding = Padding.Same }), "streaming separable", Conv2dPath.Separable, streamingMinBytes: 0);
    }

    [Fact]
    public void SeedsExample_CorrelationIsMinus8_ConvolutionIsPlus8()
    {
        var image = new Tensor(Enumerable.Range(1, 16).Select(v => (float)v).ToArray(), 1, 4, 4);
        var kernel = new Tensor([1, 1, -1, -1], 1, 1, 2, 2);
        foreach (var (level, threads) in Conv2dSettings.All())
        {
            var corr = Conv2d.Forward(image, kernel, null, new Conv2dOptions(), Conv2dSettings.Of(level, threads));
            var conv = Conv2d.Forward(image, kernel, null, new Conv2dOptions { Flip = true }, Conv2dSettings.Of(level, threads));
            Assert.Equal([1, 3, 3], corr.Shape.ToArray());
            Assert.All(corr.Span.ToArray(), v => Assert.Equal(-8f, v));
            Assert.All(conv.Span.ToArray(), v => Assert.Equal(8f, v));
        }
    }
}
