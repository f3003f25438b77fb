using ConvStream.Engine.Fitting;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Tests.Fitting;

/// <summary>
/// Kernels recovered from pairs the engine's own <c>conv</c> stage made: the fitted file, in the
/// file's own order (rotated for convolve), must be the kernel that made the target.
/// </summary>
public class KernelRecoveryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly double[] Binomial5 = [1, 4, 6, 4, 1];

    public static double[] Outer(double[] a, double[] b, double scale)
        => a.SelectMany(x => b.Select(y => x * y * scale)).ToArray();

    public static double[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble() * 2 - 1, 3)).ToArray();
    }

    public static TheoryData<string, int, int, double[], bool> Kernels() => new()
    {
        { "gaussian 5x5", 5, 5, Outer(Binomial5, Binomial5, 1.0 / 256), false },
        { "box 3x3", 3, 3, Enumerable.Repeat(1.0 / 9, 9).ToArray(), false },
        { "sobel dx", 3, 3, [-1, 0, 1, -2, 0, 2, -1, 0, 1], false },
        { "emboss, correlate", 3, 3, [-2, -1, 0, -1, 1, 1, 0, 1, 2], false },
        { "emboss, convolve", 3, 3, [-2, -1, 0, -1, 1, 1, 0, 1, 2], true },
        { "even 4x4, correlate", 4, 4, Random(16, 4), false },
        { "even 4x4, convolve", 4, 4, Random(16, 5), true },
        { "even 2x3, convolve", 2, 3, Random(6, 6), true },
        { "random 5x5", 5, 5, Random(25, 7), false },
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void FloatTargetGivesTheKernelWithin1e4(string name, int kh, int kw, double[] truth, bool convolve)
    {
        var before = FitTestData.Texture(67, 45, 3, 11, PixelDepth.F32);
        var after = FitTestData.RunConvStage(FitTestData.KernelJson(truth, 1, 1, kh, kw, false, convolve ? "convolve" : "correlate"), before, PixelDepth.F32);
        var fit = FitTestData.Fit(before, after, FitTestData.Model(kh, kw, convolve, FitChannels.PerChannel, bias: false));
        double diff = FitTestData.MaxDiff(truth, FitTestData.FileWeights(fit, convolve));
        Assert.True(diff <= 1e-4, $"{name}: max weight error {diff:G3}");
        Assert.NotNull(fit.Condition);
        Assert.True(fit.Condition!.FullRank);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void EightBitTargetGivesTheKernelWithin2e2AndReproducesAHeldOutImage(string name, int kh, int kw, double[] truth, bool convolve)
    {
        // A bias that keeps mid-grey mid-grey (128·(1 − Σw)), so an edge kernel's output is not mostly clipped.
        string mode = convolve ? "convolve" : "correlate";
        double bias = 128 * (1 - truth.Sum());
        string truthJson = FitTestData.KernelJson(truth, 1, 1, kh, kw, false, mode, [bias]);
        var before = FitTestData.Texture(160, 120, 3, 21, PixelDepth.U8);
        var after = FitTestData.RunConvStage(truthJson, before, PixelDepth.U8);
        var fit = FitTestData.Fit(before, after, FitTestData.Model(kh, kw, convolve, FitChannels.PerChannel, bias: true));
        double diff = FitTestData.MaxDiff(truth, FitTestData.FileWeights(fit, convolve));
        Assert.True(diff <= 2e-2, $"{name}: max weight error {diff:G3}");
        Assert.True(Math.Abs(fit.Bias[0] - bias) <= 2, $"{name}: bias {fit.Bias[0]:F3}, expected {bias:F3}");

        // The written file, run by the conv stage on an image it never saw, against the true kernel's output.
        var heldOut = FitTestData.Texture(160, 120, 3, 99, PixelDepth.U8);
        string json = FittedKernelFile.ToJson(fit, convolve, "fitted", "test");
        var quality = FitQuality.Compare(FitTestData.RunConvStage(json, heldOut, PixelDepth.U8), FitTestData.RunConvStage(truthJson, heldOut, PixelDepth.U8));
        output.WriteLine($"{name}: max weight error {diff:G3}, bias {fit.Bias[0]:F3} (true {bias:F3}), held-out PSNR {quality.Psnr:F2} dB, max error {quality.MaxError}");
        Assert.True(quality.Psnr >= 45, $"{name}: held-out PSNR {quality.Psnr:F1} dB (max error {quality.MaxError})");
    }

    [Fact]
    public void FullColourMixWithBias()
    {
        // 3 → 3 BGR mix (1×1) plus a 3×3 neighbourhood on every pair of channels, and a bias per output.
        int kh = 3, kw = 3;
        var truth = Random(3 * 3 * kh * kw, 12).Select(v => v * 0.3).ToArray();
        double[] bias = [10, -20, 5.5];
        var before = FitTestData.Texture(64, 40, 3, 13, PixelDepth.F32);
        var after = FitTestData.RunConvStage(FitTestData.KernelJson(truth, 3, 3, kh, kw, true, bias: bias), before, PixelDepth.F32);
        var fit = FitTestData.Fit(before, after, FitTestData.Model(kh, kw, false, FitChannels.Full, bias: true));
        Assert.Equal(3, fit.Outputs);
        Assert.True(FitTestData.MaxDiff(truth, fit.Weights) <= 1e-4, $"weights off by {FitTestData.MaxDiff(truth, fit.Weights):G3}");
        Assert.True(FitTestData.MaxDiff(bias, fit.Bias) <= 1e-2, $"bias off by {FitTestData.MaxDiff(bias, fit.Bias):G3}");
    }

    [Fact]
    public void ColourToGrayIsAThreeToOneKernel()
    {
        double[] truth = [0.114, 0.587, 0.299];   // BGR → luma, 1×1
        var before = FitTestData.Texture(50, 30, 3, 14, PixelDepth.F32);
        var after = FitTestData.RunConvStage(FitTestData.KernelJson(truth, 1, 3, 1, 1, true), before, PixelDepth.F32);
        Assert.Equal(1, after.Channels);
        var fit = FitTestData.Fit(before, after, FitTestData.Model(1, 1, false, FitChannels.Full, bias: false));
        Assert.True(FitTestData.MaxDiff(truth, fit.Weights) <= 1e-5);
    }

    [Theory]
    [InlineData(BorderMode.Zeros)]
    [InlineData(BorderMode.Replicate)]
    [InlineData(BorderMode.Symmetric)]
    [InlineData(BorderMode.Circular)]
    public void BorderOfTheFitIsTheStagesBorder(BorderMode border)
    {
        // On a small image the border rows are a large share of the samples: the wrong rule would show.
        var truth = Random(9, 15);
        var before = FitTestData.Texture(12, 9, 1, 16, PixelDepth.F32);
        var after = FitTestData.RunConvStage(FitTestData.KernelJson(truth, 1, 1, 3, 3, false), before, PixelDepth.F32, border);
        var fit = FitTestData.Fit(before, after, FitTestData.Model(3, 3, false, FitChannels.PerChannel, false, border));
        Assert.True(FitTestData.MaxDiff(truth, fit.Weights) <= 1e-4);
        var wrong = FitTestData.Fit(before, after, FitTestData.Model(3, 3, false, FitChannels.PerChannel, false, border == BorderMode.Zeros ? BorderMode.Reflect : BorderMode.Zeros));
        Assert.True(FitTestData.MaxDiff(truth, wrong.Weights) > 1e-3);
    }

    [Fact]
    public void WrittenFileParsesBackAndReproducesTheTarget()
    {
        var truth = Random(12, 17);
        var before = FitTestData.Texture(40, 30, 3, 18, PixelDepth.F32);
        var after = FitTestData.RunConvStage(FitTestData.KernelJson(truth, 1, 1, 3, 4, false, "convolve", [3.25]), before, PixelDepth.F32);
        var fit = FitTestData.Fit(before, after, FitTestData.Model(3, 4, true, FitChannels.PerChannel, bias: true));
        string json = FittedKernelFile.ToJson(fit, convolve: true, "fitted", "from a test");
        var file = ConvStream.Stages.KernelFile.Parse(json, "fitted.json");
        Assert.Equal("convolve", file.Mode);
        Assert.Null(file.Anchor);                          // the default anchor is the fitted one
        Assert.Equal(3.25, file.Bias[0], 1e-3);
        var again = FitTestData.RunConvStage(json, before, PixelDepth.F32);
        Assert.True(FitQuality.Compare(again, after).MaxError <= 1e-3);
    }
}

public class FittedKernelFileTests
{
    [Fact]
    public void RoundingResidueIsWrittenAsZeroAndNumbersAsFloat32()
    {
        var model = new KernelModel(1, 3, 1, 0, BorderMode.Reflect, FitChannels.PerChannel, true);
        var k = new FittedKernel(model, 1, 1, [6.6e-14, 5.0000000000000036, -1], [127.99999999999994], FitMethod.LeastSquares, null, [], 0);
        string json = FittedKernelFile.ToJson(k, convolve: false, "k", "d");
        Assert.Contains("\"weights\": [\n    [0, 5, -1]\n  ]", json);
        Assert.Contains("\"bias\": 128,", json);
        var rotated = FittedKernelFile.ToJson(k, convolve: true, "k", "d");
        Assert.Contains("[-1, 5, 0]", rotated);
        Assert.Contains("\"mode\": \"convolve\"", rotated);
    }

    [Fact]
    public void AnchorIsWrittenOnlyWhenItIsNotTheFilesDefault()
    {
        // A 2×2 fitted with the correlate anchor (1, 1), written in convolve form: the file's default
        // anchor would be (1, 1) of the rotated kernel = (0, 0) of the fitted one, so it must be explicit.
        var model = new KernelModel(2, 2, 1, 1, BorderMode.Reflect, FitChannels.PerChannel, false);
        var k = new FittedKernel(model, 1, 1, [1, 2, 3, 4], [0], FitMethod.LeastSquares, null, [], 0);
        Assert.DoesNotContain("anchor", FittedKernelFile.ToJson(k, convolve: false, "k", "d"));
        string json = FittedKernelFile.ToJson(k, convolve: true, "k", "d");
        Assert.Contains("\"anchor\": [0, 0]", json);
        var file = ConvStream.Stages.KernelFile.Parse(json, "k.json");
        var run = file.ToKernel(null, 1, 0, null, BorderMode.Reflect);
        Assert.Equal((1, 1), (run.AnchorX, run.AnchorY));                // back to the fitted geometry
        Assert.Equal([1f, 2f, 3f, 4f], run.Weights);
    }
}
