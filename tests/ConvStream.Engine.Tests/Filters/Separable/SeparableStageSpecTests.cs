using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Stages;

namespace ConvStream.Engine.Tests.Filters.Separable;

/// <summary>Stage keys, defaults and the one-line errors for bad ones.</summary>
public sealed class SeparableStageSpecTests
{
    [Theory]
    [InlineData("gaussian:size=4,sigma=1", "'size'")]
    [InlineData("gaussian", "sigma")]
    [InlineData("gaussian:size=-3", "'size'")]
    [InlineData("gaussian:size=5,sigma=abc", "'sigma'")]
    [InlineData("gaussian:size=5,border=mirror", "'border'")]
    [InlineData("gaussian:size=5,sigmax=2", "unknown key 'sigmax'")]
    [InlineData("box", "'size'")]
    [InlineData("box:size=0", "'size'")]
    [InlineData("box:size=300", "'size'")]
    [InlineData("box:size=3,normalize=maybe", "'normalize'")]
    [InlineData("box:size=3,depth=u16", "'depth'")]
    [InlineData("sobel:dx=0,dy=0", "dx")]
    [InlineData("sobel:dx=1,size=9", "'size'")]
    [InlineData("sobel:dx=3,size=3", "order")]
    [InlineData("sobel:dx=3,size=1", "order")]
    [InlineData("sobel:dx=-1,dy=1", "dx")]
    [InlineData("scharr:dx=1,dy=1", "exactly one")]
    [InlineData("scharr:dx=1,size=3", "unknown key 'size'")]
    [InlineData("laplacian:size=7", "'size'")]
    [InlineData("laplacian:size=3,dx=1", "unknown key 'dx'")]
    public void BadKeysAreRefusedWithOneClearLine(string stage, string mention)
    {
        var e = Assert.Throws<ConvStreamException>(() => StageRegistry.Create(stage));
        Assert.Contains(mention, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("stage '", e.Message);
    }

    [Fact]
    public void DefaultsAreDocumented()
    {
        var sobel = Assert.IsType<SobelFilter>(StageRegistry.Create("sobel"));
        Assert.Equal((1, 0, 3), (sobel.Dx, sobel.Dy, sobel.Size));
        Assert.Equal(PixelDepth.S16, sobel.OutputDepth);
        Assert.Equal(BorderMode.Reflect, sobel.Border);

        var dy = Assert.IsType<SobelFilter>(StageRegistry.Create("sobel:dy=1"));
        Assert.Equal((0, 1), (dy.Dx, dy.Dy));

        var gauss = Assert.IsType<GaussianFilter>(StageRegistry.Create("gaussian:sigma=1.2"));
        Assert.Equal((9, 9), gauss.Size);
        var gaussXY = Assert.IsType<GaussianFilter>(StageRegistry.Create("gaussian:sigma=1,sigma_y=2"));
        Assert.Equal((7, 13), gaussXY.Size);

        var box = Assert.IsType<BoxFilter>(StageRegistry.Create("box:size=4,border=wrap"));
        Assert.Equal(PixelDepth.U8, box.OutputDepth);
        Assert.Equal(BorderMode.Circular, box.Border);

        var lap = Assert.IsType<LaplacianFilter>(StageRegistry.Create("laplacian"));
        Assert.Equal(1, lap.Size);
        Assert.Equal(PixelDepth.S16, lap.OutputDepth);
        Assert.Equal((3, 3, 1), lap.Footprint);
    }

    [Fact]
    public void NonU8InputIsRefusedAtPlanningTime()
    {
        var f = StageRegistry.Create("gaussian:size=3");
        var e = Assert.Throws<ConvStreamException>(() => f.OutputFormat(new[] { new FrameFormat(10, 10, 1, PixelDepth.S16) }));
        Assert.Contains("u8", e.Message);
        Assert.Equal(new FrameFormat(10, 8, 3, PixelDepth.S16), StageRegistry.Create("scharr:dy=1").OutputFormat(new[] { new FrameFormat(10, 8, 3, PixelDepth.U8) }));
    }

    [Fact]
    public void ApplyRefusesAMismatchedOutputFrame()
    {
        var f = StageRegistry.Create("sobel");
        var input = new Frame(8, 8, 1);
        var e = Assert.Throws<ConvStreamException>(() => f.Apply(new[] { input }, new Frame(8, 8, 1, PixelDepth.U8)));
        Assert.Contains("s16", e.Message);
    }
}
