using ConvStream.Engine;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>
/// Extreme geometry is refused, never wrapped around: these values once read out of bounds
/// (dilation 2^31−1 with same padding), wrote zeros or empty outputs with success (padding
/// 2^31−1, dilation 2^30), or threw OverflowException (padding 10^5, 10^9, dilation 2·10^9).
/// Each is a <see cref="ConvStreamException"/> naming the value and the limit.
/// </summary>
public class GeometryLimitsTests
{
    private static readonly Tensor X = TensorAssert.Random(new Random(1), 3, 12, 12);
    private static readonly Tensor W = TensorAssert.Random(new Random(2), 4, 3, 3, 3);

    [Theory]
    [InlineData(1, 2147483647, "same", "dilation 2147483647 exceeds the limit of 1048576")]
    [InlineData(1, 1073741824, "same", "dilation 1073741824 exceeds the limit of 1048576")]
    [InlineData(1, 2000000000, "valid", "dilation 2000000000 exceeds the limit of 1048576")]
    [InlineData(1, 1, "2147483647", "padding 2147483647 exceeds the limit of 1048576")]
    [InlineData(1, 1, "1000000000", "padding 1000000000 exceeds the limit of 1048576")]
    [InlineData(1, 1, "100000", "output (1,4,200010,200010) has 160016000400 elements, more than the limit of one buffer (2147483591 elements)")]
    [InlineData(3000000, 1, "valid", "stride 3000000 exceeds the limit of 1048576")]
    [InlineData(1, 524289, "valid", "dilated kernel height 1048579 exceeds the limit of 1048576")]
    public void Conv2dRefusesExtremeGeometry(int stride, int dilation, string padding, string message)
    {
        var o = new Conv2dOptions { Stride = stride, Dilation = dilation, Padding = Padding.Parse(padding) };
        var e = Assert.Throws<ConvStreamException>(() => Conv2d.Forward(X, W, null, o));
        Assert.Equal(message, e.Message);
        // The backward pass resolves the same shape.
        Assert.Throws<ConvStreamException>(() => Conv2dBackward.Backward(X, W, null, Tensor.Zeros(4, 10, 10), o));
    }

    [Fact]
    public void LargeButValidPaddingStillWorks()
    {
        // 12 + 2·1000 − 2 = 2010: well inside the limits, computed as before.
        var y = Conv2d.Forward(X, W, null, new Conv2dOptions { Padding = 1000 });
        Assert.Equal(new[] { 4, 2010, 2010 }, y.Shape.ToArray());
        Assert.Equal(0f, y[0, 0, 0]); // all padding: zeros
    }

    [Fact]
    public void PoolingAndTransposedConvolutionRefuseExtremeGeometry()
    {
        var max = Assert.Throws<ConvStreamException>(() => Pool2d.Max(X, new Pool2dOptions { Kernel = 3, Dilation = 2000000000 }));
        Assert.Equal("dilation 2000000000 exceeds the limit of 1048576", max.Message);
        var wt = TensorAssert.Random(new Random(3), 3, 2, 2, 2);
        var up = Assert.Throws<ConvStreamException>(() => ConvTranspose2d.Forward(X, wt, null, new ConvTranspose2dOptions { Stride = 2000000 }));
        Assert.Equal("stride 2000000 exceeds the limit of 1048576", up.Message);
        var big = Assert.Throws<ConvStreamException>(() => ConvTranspose2d.Forward(X, wt, null, new ConvTranspose2dOptions { Stride = 1000000 }));
        Assert.Contains("output size 11000002 exceeds the limit of 1048576", big.Message); // (12−1)·10^6 + (2−1) + 1
    }

    [Fact]
    public void OutputSizesAreComputedIn64Bits()
    {
        // (12 + 2^30 + 2^30 − 2 − 1)/1 + 1 wrapped to a negative int before.
        var e = Assert.Throws<ConvStreamException>(() => ConvGeometry.OutputSize(12, 3, 1, 1 << 30, 1 << 30));
        Assert.Equal("output size 2147483658 exceeds the limit of 1048576", e.Message);
        Assert.Equal(0, ConvGeometry.OutputSize(12, 3, 1, 0, 0, int.MaxValue)); // the kernel does not fit: 0, not garbage
        Assert.Throws<ConvStreamException>(() => Padding.Full.Resolve(true, 12, 3, 1, int.MaxValue));
        Assert.Throws<ConvStreamException>(() => Padding.Same.Resolve(true, 12, 3, 1, int.MaxValue));
    }

    [Fact]
    public void ReceptiveFieldsSaturateInsteadOfWrapping()
    {
        var layers = Enumerable.Repeat((3, 1000, 1000), 10).ToArray();
        Assert.Equal((int.MaxValue, int.MaxValue), ConvGeometry.ReceptiveField(layers));
        Assert.Equal((int.MaxValue, 1), ConvGeometry.ReceptiveField([(3, 1, int.MaxValue)]));
    }

    [Theory]
    [InlineData(100000, 100000, "y4m: frame (100000,100000,3) has 30000000000 elements, more than the limit of one buffer (2147483591 elements)")]
    [InlineData(2000000, 2, "y4m: frame width 2000000 exceeds the limit of 1048576")]
    [InlineData(0, 5, "y4m: frame size 0x5 must be positive")]
    public void FrameSizesAreChecked(int width, int height, string message)
    {
        var e = Assert.Throws<ConvStreamException>(() => GeometryLimits.Frame(width, height, 3, 1, "y4m"));
        Assert.Equal(message, e.Message);
        GeometryLimits.Frame(1920, 1080, 3, 1, "ok"); // an ordinary frame passes
    }
}
