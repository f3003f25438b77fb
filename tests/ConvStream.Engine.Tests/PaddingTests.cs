using ConvStream.Engine.Geometry;

namespace ConvStream.Engine.Tests;

/// <summary><see cref="Padding.Parse"/> and <see cref="Padding.Resolve"/> (DESIGN §3).</summary>
public sealed class PaddingTests
{
    [Fact]
    public void ParsesEveryForm()
    {
        Assert.Equal(Padding.Valid, Padding.Parse("valid"));
        Assert.Equal(Padding.Same, Padding.Parse(" SAME "));
        Assert.Equal(Padding.Full, Padding.Parse("full"));
        Assert.Equal(Padding.Symmetric(2, 2), Padding.Parse("2"));
        Assert.Equal(Padding.Symmetric(1, 3), Padding.Parse("1,3"));
        Assert.Equal(Padding.Explicit(1, 2, 3, 4), Padding.Parse("1, 2, 3, 4"));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("1,2,3")]
    [InlineData("1,,2")]
    [InlineData("")]
    public void RejectsOtherText(string text)
    {
        var e = Assert.Throws<ConvStreamException>(() => Padding.Parse(text, "--padding"));
        Assert.StartsWith($"--padding '{text}' is not valid, same, full", e.Message);
    }

    [Theory]
    // input, kernel, stride, dilation → before, after.  total = max((out−1)·s + d·(k−1) + 1 − in, 0), out = ceil(in/s)
    [InlineData(10, 3, 1, 1, 1, 1)]
    [InlineData(10, 4, 1, 1, 1, 2)]   // even kernel: the extra sample goes after
    [InlineData(10, 3, 2, 1, 0, 1)]   // out 5: total = 8 + 3 − 10 = 1
    [InlineData(11, 3, 2, 1, 1, 1)]   // out 6: total = 10 + 3 − 11 = 2
    [InlineData(10, 1, 3, 1, 0, 0)]   // out 4: total = 9 + 1 − 10 = 0
    [InlineData(7, 3, 1, 3, 3, 3)]    // dilation 3: effective 7
    [InlineData(9, 2, 4, 1, 0, 1)]    // out 3: total = 8 + 2 − 9 = 1 → (0, 1)
    public void SameKeepsCeilInputOverStride(int input, int kernel, int stride, int dilation, int before, int after)
    {
        int outSize = (input + stride - 1) / stride;
        int total = Math.Max((outSize - 1) * stride + dilation * (kernel - 1) + 1 - input, 0);
        var (b, a) = Padding.Same.Resolve(true, input, kernel, stride, dilation);
        Assert.Equal(total / 2, b);
        Assert.Equal(total - total / 2, a);
        Assert.Equal(before, b);
        Assert.Equal(after, a);
        Assert.Equal(outSize, ConvGeometry.OutputSize(input, kernel, stride, b, a, dilation));
    }

    [Fact]
    public void ValidFullAndExplicit()
    {
        Assert.Equal((0, 0), Padding.Valid.Resolve(true, 10, 3, 1, 1));
        Assert.Equal((4, 4), Padding.Full.Resolve(true, 10, 3, 1, 2));
        Assert.Equal(14, ConvGeometry.OutputSize(10, 3, 1, 4, 4, 2)); // full: every overlap position
        var p = Padding.Explicit(1, 2, 3, 4);
        Assert.Equal((1, 2), p.Resolve(true, 10, 3, 1, 1));
        Assert.Equal((3, 4), p.Resolve(false, 10, 3, 1, 1));
        Assert.Equal("1,2,3,4", p.ToString());
        Assert.Equal("same", Padding.Same.ToString());
    }
}
