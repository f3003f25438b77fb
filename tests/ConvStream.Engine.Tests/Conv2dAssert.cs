using ConvStream.Engine.Ops;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>
/// Compares a fast conv2d result with the double-accumulated reference. Tolerance, stated:
/// <c>|fast − ref| ≤ 1e-5 · (|bias| + Σ|x·w|)</c> per output, i.e. relative 1e-5 of the sum of the
/// absolute terms (computed by the reference itself on |x|, |w|, |bias|), which is what float
/// accumulation of those terms can lose; it stays meaningful where terms cancel to near 0.
/// </summary>
public static class Conv2dAssert
{
    public const double RelativeTolerance = 1e-5;

    public static void Close(Conv2dCase c, Tensor expected, Tensor actual, string context) => Close(c, expected, actual, context, RelativeTolerance);

    /// <summary>
    /// Every element within <paramref name="tolerance"/> times the convolution of the absolute
    /// values (the sum the rounding errors scale with); returns the largest error in those units.
    /// </summary>
    public static double Close(Conv2dCase c, Tensor expected, Tensor actual, string context, double tolerance)
    {
        Assert.Equal(expected.ShapeText, actual.ShapeText);
        var scale = Conv2dReference.Forward(Abs(c.Input), Abs(c.Weight), c.Bias is null ? null : Abs(c.Bias), c.Options with { Relu = false });
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs((double)expected[i] - actual[i]);
            double allowed = tolerance * scale[i] + 1e-30;
            if (!(err <= allowed))
                Assert.Fail($"{context}: element {i} is {actual[i]} but the reference says {expected[i]} (|err| {err:g3} > {allowed:g3}); {c}");
            if (scale[i] > 0) worst = Math.Max(worst, err / scale[i]);
        }
        return worst;
    }

    public static Tensor Abs(Tensor t)
    {
        var a = t.Clone();
        for (int i = 0; i < a.Length; i++) a[i] = Math.Abs(a[i]);
        return a;
    }

    public static void Identical(Tensor expected, Tensor actual, string context)
    {
        Assert.Equal(expected.ShapeText, actual.ShapeText);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{context}: element {i} differs ({expected[i]} vs {actual[i]})");
    }
}
