using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>
/// conv2d's gradients: the fast backward against the reference at every SIMD level and thread
/// count, both against central finite differences of the loss Σ G·y computed in double, and
/// against PyTorch autograd.
/// </summary>
public sealed class Conv2dBackwardTests
{
    private static readonly BorderMode[] Borders = Enum.GetValues<BorderMode>();

    private static Padding RandomPadding(Random rng) => rng.Next(5) switch
    {
        0 => Padding.Valid,
        1 => Padding.Same,
        2 => Padding.Full,
        3 => Padding.Symmetric(rng.Next(3), rng.Next(3)),
        _ => Padding.Explicit(rng.Next(3), rng.Next(3), rng.Next(3), rng.Next(3)),
    };

    [Fact]
    public void RandomGeometriesMatchTheReferenceAtEveryLevel()
    {
        var rng = new Random(5);
        int tested = 0;
        for (int trial = 0; trial < 300 && tested < 100; trial++)
        {
            int groups = rng.Next(1, 3), cinG = rng.Next(1, 3), coutG = rng.Next(1, 3);
            int n = rng.Next(1, 3), h = rng.Next(1, 10), w = rng.Next(1, 40), kh = rng.Next(1, 4), kw = rng.Next(1, 4);
            var o = new Conv2dOptions
            {
                Stride = new Size2(rng.Next(1, 3), rng.Next(1, 3)),
                Dilation = new Size2(rng.Next(1, 3), rng.Next(1, 3)),
                Padding = RandomPadding(rng),
                Border = Borders[rng.Next(Borders.Length)],
                Groups = groups,
                Flip = rng.Next(2) == 0,
                Relu = rng.Next(3) == 0,
            };
            var x = TensorAssert.Random(rng, n, groups * cinG, h, w);
            var wt = TensorAssert.Random(rng, groups * coutG, cinG, kh, kw);
            var b = TensorAssert.Random(rng, groups * coutG);
            Conv2dShape s;
            try { s = Conv2dShape.Resolve(x, wt, b, o); }
            catch (ConvStreamException) { continue; }
            var g = TensorAssert.Random(rng, s.OutputShape(4));
            var expected = Conv2dBackwardReference.Backward(x, wt, b, g, o);
            tested++;
            EngineConfigurations.ForEach((level, threads, settings) =>
            {
                var actual = Conv2dBackward.Backward(x, wt, b, g, o, settings);
                string ctx = $"trial {trial} x{x.ShapeText} w{wt.ShapeText} {o} at {level}/{threads}";
                TensorAssert.Close(expected.GradInput, actual.GradInput, 1e-5 * (1 + TensorAssert.MaxAbs(expected.GradInput)), 0, ctx + " grad-input");
                TensorAssert.Close(expected.GradWeight, actual.GradWeight, 1e-5 * (1 + TensorAssert.MaxAbs(expected.GradWeight)), 0, ctx + " grad-weight");
                TensorAssert.Close(expected.GradBias, actual.GradBias, 1e-5 * (1 + TensorAssert.MaxAbs(expected.GradBias)), 0, ctx + " grad-bias");
            });
        }
        Assert.True(tested >= 80, $"only {tested} valid random geometries");
    }

    [Fact]
    public void LargeProblemSplitIntoThreadsMatchesTheReference()
    {
        var rng = new Random(8);
        var x = TensorAssert.Random(rng, 1, 4, 30, 70);
        var w = TensorAssert.Random(rng, 6, 2, 3, 3);
        var o = new Conv2dOptions { Padding = Padding.Same, Border = BorderMode.Reflect, Groups = 2 };
        var g = TensorAssert.Random(rng, 1, 6, 30, 70);
        var expected = Conv2dBackwardReference.Backward(x, w, g, o);
        EngineConfigurations.ForEach((level, threads, settings) =>
        {
            var actual = Conv2dBackward.Backward(x, w, g, o, settings);
            TensorAssert.Close(expected.GradInput, actual.GradInput, 1e-4, 1e-5, $"grad-input at {level}/{threads}");
            TensorAssert.Close(expected.GradWeight, actual.GradWeight, 1e-3, 1e-5, $"grad-weight at {level}/{threads}");
            TensorAssert.Close(expected.GradBias, actual.GradBias, 1e-3, 1e-5, $"grad-bias at {level}/{threads}");
        });
    }

    /// <summary>The loss Σ G·conv2d(x, w) + b, in double, straight from the definition.</summary>
    private static double Loss(double[] x, double[] w, double[] b, double[] g, Conv2dShape s, Conv2dOptions o)
    {
        double loss = 0;
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        for (int n = 0; n < s.N; n++)
            for (int co = 0; co < s.Cout; co++)
                for (int oy = 0; oy < s.OutH; oy++)
                    for (int ox = 0; ox < s.OutW; ox++)
                    {
                        double y = b[co];
                        for (int ci = 0; ci < cinG; ci++)
                            for (int ky = 0; ky < s.KH; ky++)
                                for (int kx = 0; kx < s.KW; kx++)
                                {
                                    int iy = BorderModes.Map(oy * s.StrideH - s.PadTop + ky * s.DilationH, s.H, o.Border);
                                    int ix = BorderModes.Map(ox * s.StrideW - s.PadLeft + kx * s.DilationW, s.W, o.Border);
                                    if (iy < 0 || ix < 0) continue;
                                    int wky = o.Flip ? s.KH - 1 - ky : ky, wkx = o.Flip ? s.KW - 1 - kx : kx;
                                    y += x[((n * s.Cin + co / coutG * cinG + ci) * s.H + iy) * s.W + ix] * w[((co * cinG + ci) * s.KH + wky) * s.KW + wkx];
                                }
                        loss += g[((n * s.Cout + co) * s.OutH + oy) * s.OutW + ox] * y;
                    }
        return loss;
    }

    private static double[] FiniteDifferences(double[] values, Func<double> loss)
    {
        const double h = 1e-3;
        var grad = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double keep = values[i];
            values[i] = keep + h; double up = loss();
            values[i] = keep - h; double down = loss();
            values[i] = keep;
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }

    public static TheoryData<BorderMode, string, int, int, int, bool> FiniteDifferenceCases()
    {
        var data = new TheoryData<BorderMode, string, int, int, int, bool>();
        foreach (var border in Enum.GetValues<BorderMode>())
        {
            data.Add(border, "same", 1, 1, 1, false);
            data.Add(border, "2,1,0,3", 2, 1, 1, true);
            data.Add(border, "full", 1, 2, 2, false);
            data.Add(border, "3", 2, 2, 2, true); // padding larger than the 5-wide input for the wrapping modes
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FiniteDifferenceCases))]
    public void GradientsMatchCentralFiniteDifferences(BorderMode border, string padding, int stride, int dilation, int groups, bool flip)
    {
        var rng = new Random(border.GetHashCode() * 31 + padding.Length);
        var x = TensorAssert.Random(rng, 1, 4, 5, 6);
        var w = TensorAssert.Random(rng, 2 * groups, 4 / groups, 3, 2);
        var b = TensorAssert.Random(rng, 2 * groups);
        var o = new Conv2dOptions { Padding = Padding.Parse(padding), Border = border, Stride = stride, Dilation = dilation, Groups = groups, Flip = flip };
        var s = Conv2dShape.Resolve(x, w, b, o);
        var g = TensorAssert.Random(rng, s.OutputShape(4));
        double[] xd = Array.ConvertAll(x.Span.ToArray(), v => (double)v), wd = Array.ConvertAll(w.Span.ToArray(), v => (double)v);
        double[] bd = Array.ConvertAll(b.Span.ToArray(), v => (double)v), gd = Array.ConvertAll(g.Span.ToArray(), v => (double)v);
        Func<double> loss = () => Loss(xd, wd, bd, gd, s, o);
        var fx = FiniteDifferences(xd, loss);
        var fw = FiniteDifferences(wd, loss);
        var fb = FiniteDifferences(bd, loss);
        var grads = Conv2dBackward.Backward(x, w, b, g, o);
        string ctx = $"{border} padding {padding} stride {stride} dilation {dilation} groups {groups} flip {flip}";
        TensorAssert.Close(new Tensor(Array.ConvertAll(fx, v => (float)v), x.Shape.ToArray()), grads.GradInput, 1e-4, 1e-4, ctx + " grad-input");
        TensorAssert.Close(new Tensor(Array.ConvertAll(fw, v => (float)v), w.Shape.ToArray()), grads.GradWeight, 1e-4, 1e-4, ctx + " grad-weight");
        TensorAssert.Close(new Tensor(Array.ConvertAll(fb, v => (float)v), b.Shape.ToArray()), grads.GradBias, 1e-4, 1e-4, ctx + " grad-bias");
        // The gradient is not trivially zero: the check above could fail.
        Assert.True(TensorAssert.MaxAbs(grads.GradInput) > 0.01 && TensorAssert.MaxAbs(grads.GradWeight) > 0.01);
    }

    [Fact]
    public void FusedReluGatesTheGradientOnTheBiasedOutput()
    {
        // y = relu(x·w + b) with x = [1, -1], w = 1, b = 0.5: outputs 1.5 and 0 (−0.5 clipped).
        var x = new Tensor([1f, -1f], 1, 1, 2);
        var w = new Tensor([1f], 1, 1, 1, 1);
        var b = new Tensor([0.5f], 1);
        var g = new Tensor([2f, 3f], 1, 1, 2);
        var grads = Conv2dBackward.Backward(x, w, b, g, new Conv2dOptions { Relu = true });
        Assert.Equal([2f, 0f], grads.GradInput.Span.ToArray());
        Assert.Equal([2f], grads.GradWeight.Span.ToArray());
        Assert.Equal([2f], grads.GradBias.Span.ToArray());
        var reference = Conv2dBackwardReference.Backward(x, w, b, g, new Conv2dOptions { Relu = true });
        Assert.Equal([2f, 0f], reference.GradInput.Span.ToArray());
    }

    [Fact]
    public void GradOutputOfTheWrongShapeIsAClearError()
    {
        var x = Tensor.Zeros(1, 2, 5, 5);
        var w = Tensor.Zeros(3, 2, 3, 3);
        var e = Assert.Throws<ConvStreamException>(() => Conv2dBackward.Backward(x, w, Tensor.Zeros(1, 3, 5, 5), new Conv2dOptions()));
        Assert.Equal("grad-output must have the forward output's shape (1,3,3,3) but has (1,3,5,5)", e.Message);
        Assert.Contains("weight expects 2 input channels but the input has 3",
            Assert.Throws<ConvStreamException>(() => Conv2dBackward.Backward(Tensor.Zeros(1, 3, 5, 5), w, Tensor.Zeros(1, 3, 3, 3), new Conv2dOptions())).Message);
    }

    [Fact]
    public void MatchesPyTorchAutograd()
    {
        int count = 0;
        foreach (var c in TorchFixtures.Cases("backward"))
        {
            string name = c.GetProperty("name").GetString()!;
            var p = c.GetProperty("padding");
            var o = new Conv2dOptions
            {
                Stride = c.GetProperty("stride").GetInt32(),
                Dilation = c.GetProperty("dilation").GetInt32(),
                Padding = Padding.Explicit(p[0].GetInt32(), p[1].GetInt32(), p[2].GetInt32(), p[3].GetInt32()),
                Border = BorderModes.Parse(c.GetProperty("border").GetString()!),
                Groups = c.GetProperty("groups").GetInt32(),
                Flip = c.GetProperty("flip").GetBoolean(),
                Relu = c.GetProperty("relu").GetBoolean(),
            };
            var x = TorchFixtures.Load("backward", name, "x");
            var w = TorchFixtures.Load("backward", name, "w");
            var b = c.GetProperty("bias").GetBoolean() ? TorchFixtures.Load("backward", name, "b") : null;
            var g = TorchFixtures.Load("backward", name, "gy");
            EngineConfigurations.ForEach((level, threads, settings) =>
            {
                var grads = Conv2dBackward.Backward(x, w, b, g, o, settings);
                TensorAssert.Close(TorchFixtures.Load("backward", name, "gx"), grads.GradInput, 1e-4, 1e-4, $"torch {name} grad-input at {level}/{threads}");
                TensorAssert.Close(TorchFixtures.Load("backward", name, "gw"), grads.GradWeight, 1e-4, 1e-4, $"torch {name} grad-weight at {level}/{threads}");
                TensorAssert.Close(TorchFixtures.Load("backward", name, "gb"), grads.GradBias, 1e-4, 1e-4, $"torch {name} grad-bias at {level}/{threads}");
            });
            var reference = Conv2dBackwardReference.Backward(x, w, b, g, o);
            TensorAssert.Close(TorchFixtures.Load("backward", name, "gx"), reference.GradInput, 1e-4, 1e-4, $"torch {name} reference grad-input");
            TensorAssert.Close(TorchFixtures.Load("backward", name, "gw"), reference.GradWeight, 1e-4, 1e-4, $"torch {name} reference grad-weight");
            count++;
        }
        Assert.Equal(8, count);
    }
}
