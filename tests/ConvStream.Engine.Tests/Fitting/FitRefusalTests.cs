using ConvStream.Engine.Fitting;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Tests.Fitting;

/// <summary>Pairs that cannot determine a kernel are refused with one clear message, never fitted to noise.</summary>
public class FitRefusalTests
{
    private static ConvStreamException Refused(Frame before, Frame after, KernelModel model, FitMethod method = FitMethod.LeastSquares)
        => Assert.Throws<ConvStreamException>(() => FitTestData.Fit(before, after, model, method));

    private static KernelModel Model5 => new(5, 5, 2, 2, BorderMode.Reflect, FitChannels.PerChannel, false);

    [Fact]
    public void FlatImageHasNoTexture()
    {
        var flat = new Frame(40, 30, 1, PixelDepth.U8);
        flat.Bytes.Fill(100);
        var e = Refused(flat, flat, Model5);
        Assert.StartsWith("before has no texture to identify a 5×5 kernel; use an image with detail in every direction", e.Message);
    }

    [Fact]
    public void SingleStripeHasNoTexture()
    {
        // Vertical stripes: every row the same, so taps of one column are indistinguishable.
        var stripe = FitTestData.Texture(40, 1, 1, 3, PixelDepth.F32);
        var image = new Frame(40, 30, 1, PixelDepth.F32);
        for (int y = 0; y < 30; y++) stripe.Row<float>(0).CopyTo(image.Row<float>(y));
        var e = Refused(image, image, Model5);
        Assert.Contains("has no texture to identify a 5×5 kernel", e.Message);
        Assert.Contains("span only 5 of the kernel's 25 unknowns", e.Message);
    }

    [Fact]
    public void AdamRefusesTooWhenTheEquationsCanBeBuilt()
    {
        var flat = new Frame(40, 30, 1, PixelDepth.F32);
        for (int y = 0; y < 30; y++) flat.Row<float>(y).Fill(0.5f);
        var e = Refused(flat, flat, Model5, FitMethod.Adam);
        Assert.Contains("has no texture", e.Message);
    }

    [Fact]
    public void KernelLargerThanTheImage()
    {
        var small = FitTestData.Texture(4, 6, 1, 1, PixelDepth.U8);
        var e = Refused(small, small, Model5);
        Assert.Equal("before: the 5×5 kernel is larger than the 4x6 image", e.Message);
    }

    [Fact]
    public void NaNInTheInputIsNamed()
    {
        var before = FitTestData.Texture(20, 20, 1, 1, PixelDepth.F32);
        var after = before.Clone();
        before.Row<float>(3)[7] = float.NaN;
        var e = Refused(before, after, Model5);
        Assert.Equal("before holds NaN at row 3, column 7, channel 0; a fit needs finite numbers", e.Message);
        after.Row<float>(2)[1] = float.PositiveInfinity;
        e = Assert.Throws<ConvStreamException>(() => FitPair.FromFrames(after, "x.npy", after, "y.npy", false));
        Assert.Contains("x.npy holds Infinity at row 2, column 1", e.Message);
    }

    [Fact]
    public void DifferentSizesOrChannels()
    {
        var a = FitTestData.Texture(20, 20, 3, 1, PixelDepth.U8);
        var e = Refused(a, FitTestData.Texture(20, 21, 3, 1, PixelDepth.U8), Model5);
        Assert.Equal("after is 20x21 but before is 20x20; a before/after pair must have the same size", e.Message);
        e = Refused(a, FitTestData.Texture(20, 20, 1, 1, PixelDepth.U8), Model5);
        Assert.StartsWith("after has 1 channel(s) but before has 3", e.Message);
    }
}

public class MethodChoiceTests
{
    [Fact]
    public void AutoSolvesExactlyUpTo512UnknownsThenDescends()
    {
        Assert.Equal(FitMethod.LeastSquares, KernelFitter.Resolve(FitMethod.Auto, 512));
        Assert.Equal(FitMethod.Adam, KernelFitter.Resolve(FitMethod.Auto, 513));
        Assert.Equal(FitMethod.LeastSquares, KernelFitter.Resolve(FitMethod.LeastSquares, 10));
        Assert.Equal(FitMethod.Adam, KernelFitter.Resolve(FitMethod.Adam, 10));
    }

    [Fact]
    public void LeastSquaresRefusesMoreUnknownsThanItTakes()
    {
        // 23×23 per channel = 529 unknowns: named, with the way out.
        var image = FitTestData.Texture(30, 30, 1, 1, PixelDepth.F32);
        var model = new KernelModel(23, 23, 11, 11, BorderMode.Reflect, FitChannels.PerChannel, false);
        var e = Assert.Throws<ConvStreamException>(() => FitTestData.Fit(image, image, model, FitMethod.LeastSquares));
        Assert.Equal("a 23×23 kernel on 1 input channel(s) has 529 unknowns per output, more than least squares takes here (512); use Adam", e.Message);
    }
}
