using ConvStream.Engine.Fitting;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Tests.Fitting;

/// <summary>Adam on the engine's conv2d backward reaches the least-squares optimum.</summary>
public class AdamAgreementTests
{
    [Fact]
    public void AdamAgreesWithLeastSquares()
    {
        var truth = KernelRecoveryTests.Random(9, 31);
        var before = FitTestData.Texture(48, 36, 1, 32, PixelDepth.F32);
        var after = FitTestData.RunConvStage(FitTestData.KernelJson(truth, 1, 1, 3, 3, false, bias: [12]), before, PixelDepth.F32);
        var model = FitTestData.Model(3, 3, false, FitChannels.PerChannel, bias: true);
        var lstsq = FitTestData.Fit(before, after, model);
        var adam = FitTestData.Fit(before, after, model, FitMethod.Adam, adam: new AdamOptions { Steps = 600, LearningRate = 0.05 });
        Assert.Equal(FitMethod.Adam, adam.Method);
        Assert.Equal(600, adam.LossCurve.Count);
        Assert.True(adam.LossCurve[^1] < adam.LossCurve[0] * 1e-4, $"loss {adam.LossCurve[0]:G3} → {adam.LossCurve[^1]:G3}");
        double dw = FitTestData.MaxDiff(lstsq.Weights, adam.Weights);
        Assert.True(dw <= 2e-3, $"weights differ by {dw:G3}");
        Assert.True(Math.Abs(lstsq.Bias[0] - adam.Bias[0]) <= 0.5, $"bias {adam.Bias[0]} vs {lstsq.Bias[0]}");
    }

    [Fact]
    public void AdamAgreesWithLeastSquaresUnderL2OnAFullKernel()
    {
        var before = FitTestData.Texture(40, 30, 3, 33, PixelDepth.F32);
        var after = FitTestData.Texture(40, 30, 2, 34, PixelDepth.F32);   // unrelated target: the optimum is a compromise
        var model = FitTestData.Model(3, 3, false, FitChannels.Full, bias: true);
        var pair = FitPair.FromFrames(before, "b", after, "a", true);
        var design = FitDesign.Create([pair], model);
        var lstsq = KernelFitter.Fit(design, new KernelFitOptions { Method = FitMethod.LeastSquares, L2 = 50 });
        var adam = KernelFitter.Fit(design, new KernelFitOptions { Method = FitMethod.Adam, L2 = 50, Adam = new AdamOptions { Steps = 800, LearningRate = 0.02 } });
        double dw = FitTestData.MaxDiff(lstsq.Weights, adam.Weights);
        Assert.True(dw <= 2e-3, $"weights differ by {dw:G3}");
        Assert.True(Math.Abs(adam.Loss - lstsq.Loss) <= 1e-3 * lstsq.Loss, $"loss {adam.Loss} vs {lstsq.Loss}");
    }
}

/// <summary>The DCT basis Adam descends in is orthonormal: it changes the path, never the loss.</summary>
public class KernelBasisTests
{
    [Theory]
    [InlineData(1, 3, 3)]
    [InlineData(3, 4, 5)]
    [InlineData(2, 1, 7)]
    public void AnalyseIsTheInverseOfSynthesizeAndKeepsTheNorm(int cin, int kh, int kw)
    {
        var rng = new Random(cin * 100 + kh * 10 + kw);
        var u = Enumerable.Range(0, 2 * cin * kh * kw).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var basis = new KernelBasis(cin, kh, kw);
        var w = new double[u.Length];
        var back = new double[u.Length];
        basis.Synthesize(u, w);
        basis.Analyse(w, back);
        Assert.True(FitTestData.MaxDiff(u, back) < 1e-12);
        Assert.Equal(u.Sum(v => v * v), w.Sum(v => v * v), 1e-12);
        // The first coefficient is the mean: a constant kernel has no other component.
        var flat = Enumerable.Repeat(1.0, cin * kh * kw).ToArray();
        var coeff = new double[flat.Length];
        basis.Analyse(flat, coeff);
        Assert.Equal(Math.Sqrt(flat.Length), coeff[0], 1e-12);
        Assert.True(coeff.Skip(1).All(c => Math.Abs(c) < 1e-12));
    }

    [Fact]
    public void AdamWithDefaultsAgreesOnASmoothImageWithoutBias()
    {
        // A blurred texture: neighbouring taps see nearly the same data, the case the basis is for.
        var truth = KernelRecoveryTests.Outer([1, 2, 1], [1, 2, 1], 1.0 / 16);
        var sharp = FitTestData.Texture(64, 48, 1, 41, PixelDepth.F32);
        var before = FitTestData.RunConvStage(FitTestData.KernelJson(truth, 1, 1, 3, 3, false), sharp, PixelDepth.F32);
        var after = FitTestData.RunConvStage(FitTestData.KernelJson([0, -1, 0, -1, 5, -1, 0, -1, 0], 1, 1, 3, 3, false), before, PixelDepth.F32);
        var model = FitTestData.Model(3, 3, false, FitChannels.PerChannel, bias: false);
        var lstsq = FitTestData.Fit(before, after, model);
        var adam = FitTestData.Fit(before, after, model, FitMethod.Adam);
        double dw = FitTestData.MaxDiff(lstsq.Weights, adam.Weights);
        Assert.True(dw <= 1e-2, $"weights differ by {dw:G3} (lstsq loss {lstsq.Loss:G3}, adam {adam.Loss:G3})");
    }
}
