using ConvStream.Engine.Imaging;
using ConvStream.Media.Images;

namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream fit</c> through the real command on pairs OpenCV made (filter2D, GaussianBlur,
/// transform, cvtColor): the kernel comes back, in the conv stage's file format, and
/// <c>convstream filter --stage conv:kernel=…</c> and a pipeline run it unchanged.
/// </summary>
public class FitCommandTests
{
    private static readonly string[] Emboss = ["--input", FitFixtures.F("before.png"), "--target", FitFixtures.F("emboss.png"), "--kernel", "3x3", "--bias"];

    [Fact]
    public void EmbossFromFilter2DIsRecoveredAndFilterReproducesTheHoldout()
    {
        using var work = new TempFolder();
        var r = FitFixtures.Fit(work, [.. Emboss, "--output", "emboss.json", "--holdout", $"{FitFixtures.F("holdout.png")},{FitFixtures.F("holdout_emboss.png")}"]);
        FitFixtures.Succeeded(r);
        Assert.Contains("by least squares", r.Stdout);
        Assert.Contains("rank 10 of 10", r.Stdout);
        Assert.Matches(@"holdout:\s+PSNR", r.Stdout);
        Assert.Contains("wrote emboss.json; run it with --stage \"conv:kernel=emboss.json\"", r.Stdout);
        var file = FitFixtures.Load(work, "emboss.json");
        Assert.False(file.IsMultiChannel);
        Assert.Equal("correlate", file.Mode);
        Assert.True(FitFixtures.MaxDiff(FitFixtures.Truth("emboss"), file.Weights) <= 2e-2, string.Join(", ", file.Weights));
        Assert.Equal(128, file.Bias[0], 0.5);
        Assert.Contains("fitted by convstream fit (least squares) to before.png → emboss.png", File.ReadAllText(work.File("emboss.json")));

        // The file, run by convstream filter on an image the fit never saw, gives what OpenCV gave.
        var f = ConvstreamProcess.Run(work.Path, "filter", FitFixtures.F("holdout.png"), "out.png", "--stage", "conv:kernel=emboss.json");
        Assert.True(f.ExitCode == 0, f.ToString());
        AssertSamePixels(ImageFile.Read(FitFixtures.F("holdout_emboss.png")), ImageFile.Read(work.File("out.png")), maxDiff: 0);
    }

    [Fact]
    public void ConvolveModeWritesTheRotatedKernelThatStillReproducesTheTarget()
    {
        using var work = new TempFolder();
        FitFixtures.Succeeded(FitFixtures.Fit(work, [.. Emboss, "--output", "k.json", "--mode", "convolve"]));
        var file = FitFixtures.Load(work, "k.json");
        Assert.Equal("convolve", file.Mode);
        var rotated = FitFixtures.Truth("emboss").Reverse().ToArray();   // rot180 of a 3×3 = reversed row-major order
        Assert.True(FitFixtures.MaxDiff(rotated, file.Weights) <= 2e-2);
        var f = ConvstreamProcess.Run(work.Path, "filter", FitFixtures.F("before.png"), "out.png", "--stage", "conv:kernel=k.json");
        Assert.True(f.ExitCode == 0, f.ToString());
        AssertSamePixels(ImageFile.Read(FitFixtures.F("emboss.png")), ImageFile.Read(work.File("out.png")), maxDiff: 0);
    }

    [Theory]
    [InlineData("even4_replicate", "4x4", "replicate")]
    [InlineData("rand5_zeros", "5x5", "zeros")]
    public void FloatFilter2DWithItsBorderIsRecoveredWithin1e4(string name, string size, string border)
    {
        using var work = new TempFolder();
        var r = FitFixtures.Fit(work, "--input", FitFixtures.F("before_f32.npy"), "--target", FitFixtures.F(name + ".npy"),
            "--kernel", size, "--border", border, "--output", "k.json");
        FitFixtures.Succeeded(r);
        Assert.Contains($"border={border}", r.Stdout);              // the run hint carries the border
        var file = FitFixtures.Load(work, "k.json");
        Assert.Null(file.Anchor);                                   // OpenCV's default anchor is the file's default
        Assert.True(FitFixtures.MaxDiff(FitFixtures.Truth(name), file.Weights) <= 1e-4, string.Join(", ", file.Weights));

        // The wrong border rule cannot explain the pair as well (it changes every sample near the edge).
        var wrong = FitFixtures.Fit(work, "--input", FitFixtures.F("before_f32.npy"), "--target", FitFixtures.F(name + ".npy"),
            "--kernel", size, "--output", "wrong.json");
        FitFixtures.Succeeded(wrong);
        Assert.True(FitFixtures.MaxDiff(FitFixtures.Truth(name), FitFixtures.Load(work, "wrong.json").Weights) > 1e-3);
    }

    [Fact]
    public void GaussianBlurIsRecoveredWithin2e2()
    {
        using var work = new TempFolder();
        var r = FitFixtures.Fit(work, "--input", FitFixtures.F("before.png"), "--target", FitFixtures.F("gaussian.png"), "--kernel", "5x5",
            "--output", "g.json", "--holdout", $"{FitFixtures.F("holdout.png")},{FitFixtures.F("holdout_gaussian.png")}");
        FitFixtures.Succeeded(r);
        Assert.True(FitFixtures.MaxDiff(FitFixtures.Truth("gaussian"), FitFixtures.Load(work, "g.json").Weights) <= 2e-2);
        // OpenCV's 8-bit Gaussian is fixed point; the float kernel reproduces it to within one level.
        Assert.Matches(@"holdout:\s+PSNR (5\d|6\d|7\d)\.\d\d dB \(peak 255\), max error 1,", r.Stdout);
    }

    [Fact]
    public void ColourMixIsAFullOneByOneKernelWithBias()
    {
        using var work = new TempFolder();
        var r = FitFixtures.Fit(work, "--input", FitFixtures.F("before_f32.npy"), "--target", FitFixtures.F("colour_mix.npy"),
            "--kernel", "1x1", "--channels", "full", "--bias", "--output", "mix.json");
        FitFixtures.Succeeded(r);
        Assert.Contains("1×1 3→3 kernel", r.Stdout);
        var file = FitFixtures.Load(work, "mix.json");
        Assert.True(file.IsMultiChannel);
        Assert.Equal((3, 3), (file.OutChannels, file.InChannels));
        Assert.True(FitFixtures.MaxDiff(FitFixtures.Truth("colour_mix"), file.Weights) <= 1e-4);
        Assert.True(FitFixtures.MaxDiff(FitFixtures.TruthBias("colour_mix"), file.Bias) <= 1e-2);
    }

    [Fact]
    public void BgrToGrayIsAThreeToOneKernel()
    {
        using var work = new TempFolder();
        FitFixtures.Succeeded(FitFixtures.Fit(work, "--input", FitFixtures.F("before_f32.npy"), "--target", FitFixtures.F("gray.npy"),
            "--kernel", "1x1", "--channels", "full", "--output", "gray.json"));
        var file = FitFixtures.Load(work, "gray.json");
        Assert.Equal((1, 3), (file.OutChannels, file.InChannels));
        Assert.True(FitFixtures.MaxDiff(FitFixtures.Truth("gray"), file.Weights) <= 1e-5);
    }

    [Fact]
    public void AdamAgreesWithLeastSquaresAndDrawsItsLossCurve()
    {
        using var work = new TempFolder();
        FitFixtures.Succeeded(FitFixtures.Fit(work, [.. Emboss, "--output", "lstsq.json"]));
        var r = FitFixtures.Fit(work, [.. Emboss, "--output", "adam.json", "--method", "adam", "--steps", "200", "--plot", "loss.png"]);
        FitFixtures.Succeeded(r);
        Assert.Contains("by Adam", r.Stdout);
        Assert.Contains("step 200/200", r.Stderr);                   // the progress line (not a terminal: plain lines)
        Assert.True(FitFixtures.MaxDiff(FitFixtures.Load(work, "lstsq.json").Weights, FitFixtures.Load(work, "adam.json").Weights) <= 2e-2);
        var png = ImageFile.Read(work.File("loss.png"));                // ScottPlot's PNG, decoded by ConvStream's reader
        Assert.Equal((900, 540), (png.Width, png.Height));
        Assert.True(png.ToPacked().Distinct().Count() > 8, "the plot is blank");
    }

    [Fact]
    public void LearnedKernelRunsInAPipeline()
    {
        using var work = new TempFolder();
        FitFixtures.Succeeded(FitFixtures.Fit(work, [.. Emboss, "--output", "emboss.json"]));
        File.WriteAllText(work.File("p.json"), """
            {
              "source": "test:96x64@30",
              "stages": [ { "name": "learned", "op": "conv", "kernel": "emboss.json" } ],
              "outputs": [ { "kind": "images", "stage": "learned", "path": "frames" } ]
            }
            """);
        var run = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "out", "--frames", "3");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(3, Directory.GetFiles(work.File(Path.Combine("out", "frames")), "*.png").Length);
    }

    private static void AssertSamePixels(Frame expected, Frame actual, int maxDiff)
    {
        Assert.Equal(expected.ShapeText, actual.ShapeText);
        var e = expected.ToPacked();
        var a = actual.ToPacked();
        int worst = e.Zip(a, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(worst <= maxDiff, $"pixels differ by up to {worst}");
    }

    [Fact]
    public void FitQualityIsStatedOnThePair()
    {
        using var work = new TempFolder();
        var r = FitFixtures.Fit(work, [.. Emboss, "--output", "emboss.json"]);
        FitFixtures.Succeeded(r);
        Assert.Matches(@"pair:\s+PSNR (∞|\d+\.\d\d) dB \(peak 255\), max error 0, RMSE 0 \(8-bit levels\)", r.Stdout);
    }
}
