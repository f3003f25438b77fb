using ConvStream.Engine.Geometry;

namespace ConvStream.Engine.Tests;

/// <summary>
/// <see cref="BorderModes.Map"/> against numpy.pad's modes. The expected rows are numpy.pad of
/// "abcd" (indices 0..3) by 3 on each side and by 9 (more than twice the input), as printed by
/// <c>np.pad(np.arange(4), pad, mode)</c> with numpy 1.24.
/// </summary>
public sealed class BorderModesTests
{
    private static int[] Padded(int length, int pad, BorderMode mode)
        => Enumerable.Range(-pad, length + 2 * pad).Select(i => BorderModes.Map(i, length, mode)).ToArray();

    [Fact]
    public void Replicate_aaa_abcd_ddd() => Assert.Equal([0, 0, 0, 0, 1, 2, 3, 3, 3, 3], Padded(4, 3, BorderMode.Replicate));

    [Fact]
    public void Reflect_dcb_abcd_cba() => Assert.Equal([3, 2, 1, 0, 1, 2, 3, 2, 1, 0], Padded(4, 3, BorderMode.Reflect));

    [Fact]
    public void Symmetric_cba_abcd_dcb() => Assert.Equal([2, 1, 0, 0, 1, 2, 3, 3, 2, 1], Padded(4, 3, BorderMode.Symmetric));

    [Fact]
    public void Circular_bcd_abcd_abc() => Assert.Equal([1, 2, 3, 0, 1, 2, 3, 0, 1, 2], Padded(4, 3, BorderMode.Circular));

    [Fact]
    public void ZerosAreMinusOneOutside() => Assert.Equal([-1, -1, -1, 0, 1, 2, 3, -1, -1, -1], Padded(4, 3, BorderMode.Zeros));

    [Fact]
    public void PadsLargerThanTheInputRepeatTheirPattern()
    {
        // np.pad(np.arange(4), 9, 'reflect') = [3 2 1 0 1 2 3 2 1 | 0 1 2 3 | 2 1 0 1 2 3 2 1 0]
        Assert.Equal([3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0], Padded(4, 9, BorderMode.Reflect));
        // np.pad(np.arange(4), 9, 'symmetric') = [0 0 1 2 3 3 2 1 0 | 0 1 2 3 | 3 2 1 0 0 1 2 3 3]
        Assert.Equal([0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3], Padded(4, 9, BorderMode.Symmetric));
        // np.pad(np.arange(4), 9, 'wrap') = [3 0 1 2 3 0 1 2 3 | 0 1 2 3 | 0 1 2 3 0 1 2 3 0]
        Assert.Equal([3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0], Padded(4, 9, BorderMode.Circular));
        // np.pad(np.arange(4), 9, 'edge') = [0 × 9 | 0 1 2 3 | 3 × 9]
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3], Padded(4, 9, BorderMode.Replicate));
    }

    [Theory]
    [InlineData(BorderMode.Reflect)]
    [InlineData(BorderMode.Symmetric)]
    [InlineData(BorderMode.Circular)]
    [InlineData(BorderMode.Replicate)]
    public void ALengthOneInputRepeatsItsOnlySample(BorderMode mode)
        => Assert.All(Padded(1, 5, mode), v => Assert.Equal(0, v));

    [Theory]
    [InlineData("zeros", BorderMode.Zeros)]
    [InlineData("constant", BorderMode.Zeros)]
    [InlineData("edge", BorderMode.Replicate)]
    [InlineData("REFLECT", BorderMode.Reflect)]
    [InlineData("reflect_101", BorderMode.Reflect)]
    [InlineData("symmetric", BorderMode.Symmetric)]
    [InlineData("wrap", BorderMode.Circular)]
    [InlineData(" circular ", BorderMode.Circular)]
    public void ParsesNamesAndAliases(string text, BorderMode expected) => Assert.Equal(expected, BorderModes.Parse(text));

    [Fact]
    public void UnknownNameIsAClearError()
    {
        var e = Assert.Throws<ConvStreamException>(() => BorderModes.Parse("mirror", "--border"));
        Assert.Equal("--border 'mirror' is not a border mode; expected one of zeros, replicate, reflect, symmetric, circular", e.Message);
    }
}
