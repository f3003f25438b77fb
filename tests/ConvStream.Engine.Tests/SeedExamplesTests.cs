using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>The seeds' worked examples, exactly (DESIGN §3).</summary>
public sealed class SeedExamplesTests
{
    private static readonly Tensor Image1To16 = new(Enumerable.Range(1, 16).Select(v => (float)v).ToArray(), 1, 4, 4);
    private static readonly Tensor EdgeKernel = new([1f, 1f, -1f, -1f], 1, 1, 2, 2);

    [Fact]
    public void CrossCorrelationOfTheSeedImageIsMinusEightEverywhere()
    {
        foreach (var y in new[] { Conv2d.Forward(Image1To16, EdgeKernel, null, new Conv2dOptions()), Conv2dReference.Forward(Image1To16, EdgeKernel, null, new Conv2dOptions()) })
        {
            Assert.Equal([1, 3, 3], y.Shape.ToArray());
            Assert.All(y.Span.ToArray(), v => Assert.Equal(-8f, v));
        }
    }

    [Fact]
    public void TrueConvolutionOfTheSeedImageIsPlusEightEverywhere()
    {
        // Seed 002 flips the kernel by hand yet claims −8; the flipped kernel [[-1,-1],[1,1]] gives +8,
        // as scipy.signal.convolve2d(image, kernel, 'valid') does.
        var o = new Conv2dOptions { Flip = true };
        foreach (var y in new[] { Conv2d.Forward(Image1To16, EdgeKernel, null, o), Conv2dReference.Forward(Image1To16, EdgeKernel, null, o) })
            Assert.All(y.Span.ToArray(), v => Assert.Equal(8f, v));
    }

    [Fact]
    public void ThreeChannelExampleSumsEveryChannelTo14()
    {
        // Seed 001: X = [[1,2],[3,4]], [[5,6],[7,8]], [[9,10],[11,12]] and a 2×2 kernel of depth 3:
        // 4 + 4 + 6 = 14 (one output value: the kernel's depth equals the input's channels).
        var x = new Tensor([1f, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 3, 2, 2);
        var k = new Tensor([-1f, -1, 1, 1, -2, 2, -2, 2, -3, 3, -3, 3], 1, 3, 2, 2);
        foreach (var y in new[] { Conv2d.Forward(x, k, null, new Conv2dOptions()), Conv2dReference.Forward(x, k, null, new Conv2dOptions()) })
        {
            Assert.Equal([1, 1, 1], y.Shape.ToArray());
            Assert.Equal(14f, y[0]);
        }
    }

    [Fact]
    public void KernelDepthMustMatchTheInputChannels()
    {
        var x = Tensor.Zeros(3, 4, 4);
        var k = Tensor.Zeros(1, 2, 2, 2);
        var e = Assert.Throws<ConvStreamException>(() => Conv2d.Forward(x, k, null, new Conv2dOptions()));
        Assert.Contains("2", e.Message);
        Assert.Contains("3", e.Message);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 2)]
    public void OutputSizeOfA4x4InputAnd2x2Kernel(int stride, int expected)
    {
        Assert.Equal(expected, ConvGeometry.OutputSize(4, 2, stride));
        var y = Conv2dReference.Forward(Image1To16, EdgeKernel, null, new Conv2dOptions { Stride = stride });
        Assert.Equal([1, expected, expected], y.Shape.ToArray());
        Assert.All(y.Span.ToArray(), v => Assert.Equal(-8f, v));
    }
}
