using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>
/// The Winograd F(2×2, 3×3) path against <see cref="Conv2dReference"/> on every kind of geometry it
/// accepts (every padding kind and border, channel counts around its 8-channel blocks, odd and
/// tiny sizes, batches, bias, ReLU, flip), at every SIMD level with 1 and 2 threads (the thread
/// count changes no bit); and the geometries it must not take.
/// </summary>
public class WinogradConvTests
{
    private static Conv2dCase Case(Random rng, int n, int cin, int cout, int h, int w, Conv2dOptions options, bool bias = true)
        => new(n == 0 ? Conv2dCase.Random(rng, cin, h, w) : Conv2dCase.Random(rng, n, cin, h, w),
            Conv2dCase.Random(rng, cout, cin, 3, 3), bias ? Conv2dCase.Random(rng, cout) : null, options);

    [Fact]
    public void RandomAcceptedGeometries_MatchTheReference()
    {
        var rng = new Random(2026_12_01);
        for (int i = 0; i < 60; i++)
        {
            int cin = rng.Next(16, 21), cout = rng.Next(16, 27), h = rng.Next(1, 12), w = rng.Next(1, 60);
            Padding padding = rng.Next(5) switch
            {
                0 => Padding.Valid,
                1 => Padding.Same,
                2 => Padding.Full,
                3 => Padding.Symmetric(rng.Next(0, 3), rng.Next(0, 3)),
                _ => Padding.Explicit(rng.Next(0, 4), rng.Next(0, 4), rng.Next(0, 4), rng.Next(0, 4)),
            };
            var options = new Conv2dOptions { Padding = padding, Border = (BorderMode)rng.Next(5), Flip = rng.Next(3) == 0, Relu = rng.Next(3) == 0 };
            var c = Case(rng, rng.Next(3), cin, cout, h, w, options, bias: rng.Next(2) == 0);
            try { Conv2dShape.Resolve(c.Input, c.Weight, c.Bias, c.Options); }
            catch (ConvStreamException) { continue; } // 3×3 larger than the padded input
            Conv2dFastPathTests.CheckEverywhere(c, $"winograd case {i}", Conv2dPath.Winograd);
        }
    }

    [Fact]
    public void EveryOutputWidthAndHeight_MatchTheReference()
    {
        // Output widths 1..80 (every tail of 4-, 8- and 16-lane vectors and of 3-vector chunks, odd
        // widths whose last tile has one column) and heights 1..6 (odd: a last tile row of one row).
        var rng = new Random(23);
        for (int ow = 1; ow <= 80; ow++)
        {
            int oh = 1 + ow % 6;
            var c = Case(rng, 0, 16, 17, oh + 2, ow + 2, new Conv2dOptions());
            Conv2dFastPathTests.CheckEverywhere(c, $"output {oh}x{ow}", Conv2dPath.Winograd);
        }
    }

    [Fact]
    public void BenchmarkLayers_AtASplittableSize_MatchTheReference()
    {
        // The benchmark's 16→16 layer and a 24→16 one, big enough that two threads take two bands.
        var rng = new Random(24);
        Conv2dFastPathTests.CheckEverywhere(Case(rng, 0, 24, 16, 37, 150, new Conv2dOptions { Padding = 1 }), "24->16", Conv2dPath.Winograd);
        Conv2dFastPathTests.CheckEverywhere(Case(rng, 2, 16, 16, 23, 101, new Conv2dOptions { Padding = 1, Relu = true, Border = BorderMode.Reflect }), "16->16 batch 2", Conv2dPath.Winograd);
        // Streaming stores (and the aligned start they need), on rows 160 wide and an odd width.
        Conv2dFastPathTests.CheckEverywhere(Case(rng, 0, 16, 16, 21, 160, new Conv2dOptions { Padding = 1 }), "16->16 streaming", Conv2dPath.Winograd, streamingMinBytes: 0);
        Conv2dFastPathTests.CheckEverywhere(Case(rng, 0, 16, 16, 20, 203, new Conv2dOptions { Padding = Padding.Same, Border = BorderMode.Circular }), "16->16 streaming odd", Conv2dPath.Winograd, streamingMinBytes: 0);
    }

    [Fact]
    public void LargeValues_StayWithinTheRelativeTolerance()
    {
        // Inputs of mixed sign and magnitudes 1e-3..1e3: the transforms add and subtract inputs
        // before multiplying, so cancellation is where Winograd loses precision if anywhere.
        var rng = new Random(25);
        var x = Conv2dCase.Random(rng, 16, 20, 61);
        for (int i = 0; i < x.Length; i++) x[i] *= MathF.Pow(10, rng.Next(-3, 4));
        var c = new Conv2dCase(x, Conv2dCase.Random(rng, 16, 16, 3, 3), Conv2dCase.Random(rng, 16), new Conv2dOptions { Padding = Padding.Same, Border = BorderMode.Replicate });
        Conv2dFastPathTests.CheckEverywhere(c, "mixed magnitudes", Conv2dPath.Winograd);
    }

    [Theory]
    [InlineData(16, 16, 1, 1, 1, 1, 1, "accepted")]
    [InlineData(15, 16, 1, 1, 1, 1, 1, "fewer than 16 outputs")]
    [InlineData(16, 15, 1, 1, 1, 1, 1, "fewer than 16 inputs")]
    [InlineData(16, 3, 1, 1, 1, 1, 1, "the 3->16 layer (slower than direct)")]
    [InlineData(16, 16, 2, 1, 1, 1, 1, "two groups")]
    [InlineData(16, 16, 1, 2, 1, 1, 1, "vertical stride")]
    [InlineData(16, 16, 1, 1, 2, 1, 1, "horizontal stride")]
    [InlineData(16, 16, 1, 1, 1, 2, 1, "vertical dilation")]
    [InlineData(16, 16, 1, 1, 1, 1, 2, "horizontal dilation")]
    public void OnlyDenseStrideOneLayers_RunWinograd(int cout, int cinPerGroup, int groups, int sh, int sw, int dh, int dw, string what)
    {
        var w = Tensor.Zeros(cout * groups, cinPerGroup, 3, 3);
        var o = new Conv2dOptions { Groups = groups, Stride = new Size2(sh, sw), Dilation = new Size2(dh, dw) };
        var path = new Conv2dPlan(w, null, o).Path;
        if (what == "accepted") Assert.Equal(Conv2dPath.Winograd, path);
        else Assert.NotEqual(Conv2dPath.Winograd, path);
        // 5×5 and 3×5 kernels are not 3×3.
        Assert.NotEqual(Conv2dPath.Winograd, new Conv2dPlan(Tensor.Zeros(16, 16, 5, 5), null, new Conv2dOptions()).Path);
        Assert.NotEqual(Conv2dPath.Winograd, new Conv2dPlan(Tensor.Zeros(16, 16, 3, 5), null, new Conv2dOptions()).Path);
    }
}
