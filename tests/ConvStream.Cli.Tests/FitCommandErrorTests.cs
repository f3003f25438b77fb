namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream fit</c> on bad input, through the real command: exit 1 (2 for a command line that
/// does not parse), exactly one line on stderr naming what is wrong, and no file left behind.
/// </summary>
public class FitCommandErrorTests
{
    private static void Rejected(int exit, string expected, params string[] args)
    {
        using var work = new TempFolder();
        var r = FitFixtures.Fit(work, [.. args, "--output", "k.json"]);
        Assert.True(r.ExitCode == exit, r.ToString());
        // fit's plain progress lines ("[####----] normal equations: 1/3 bands  ETA 0:02") appear once a
        // phase has run a second, which a loaded machine reaches before the refusal: they are not the error.
        var lines = r.StderrLines.Where(l => !l.Contains("  ETA ", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 1, $"expected one error line: {r}");
        Assert.StartsWith("convstream fit: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.Empty(work.Files());
    }

    private static string F(string name) => FitFixtures.F(name);

    [Fact]
    public void DifferentSizes()
        => Rejected(1, $"{F("small.png")} is 6x4 but {F("before.png")} is 96x64; a before/after pair must have the same size",
            "--input", F("before.png"), "--target", F("small.png"), "--kernel", "3x3");

    [Fact]
    public void DifferentChannelCounts()
        => Rejected(1, "has 1 channel(s) but", "--input", F("before_f32.npy"), "--target", F("gray.npy"), "--kernel", "3x3");

    [Fact]
    public void KernelLargerThanTheImage()
        => Rejected(1, "the 5×5 kernel is larger than the 6x4 image", "--input", F("small.png"), "--target", F("small.png"), "--kernel", "5x5");

    [Fact]
    public void NaNInTheInput()
        => Rejected(1, "nan.npy holds NaN at row 5, column 9, channel 1; a fit needs finite numbers",
            "--input", F("nan.npy"), "--target", F("before_f32.npy"), "--kernel", "3x3");

    [Theory]
    [InlineData("flat.npy")]
    [InlineData("stripe.npy")]
    public void NoTexture(string image)
        => Rejected(1, $"{F(image)} has no texture to identify a 5×5 kernel; use an image with detail in every direction",
            "--input", F(image), "--target", F(image), "--kernel", "5x5");

    [Fact]
    public void MissingFile()
        => Rejected(1, "nosuch.png: file not found", "--input", "nosuch.png", "--target", F("before.png"), "--kernel", "3x3");

    [Fact]
    public void ImageAndVideoMixed()
        => Rejected(1, "is a video but", "--input", F("before.png"), "--target", F("clip.mkv"), "--kernel", "3x3");

    [Fact]
    public void VideosOfDifferentLengths()
        => Rejected(1, "must match frame for frame", "--input", F("clip.mkv"), "--target", F("clip_emboss_short.mkv"), "--kernel", "3x3");

    [Fact]
    public void VideosOfDifferentFrameRates()
        => Rejected(1, $"{F("clip_emboss_25fps.mkv")} runs at 25/1 fps but {F("clip.mkv")} at 10/1; the two videos must match frame for frame",
            "--input", F("clip.mkv"), "--target", F("clip_emboss_25fps.mkv"), "--kernel", "3x3");

    [Fact]
    public void HoldoutOfOtherChannels()
        => Rejected(1, "the holdout pair has 1 → 1 channels but the fit has 3 → 3",
            "--input", F("before.png"), "--target", F("emboss.png"), "--kernel", "3x3", "--holdout", $"{F("flat.npy")},{F("flat.npy")}");

    [Theory]
    [InlineData("option --kernel '5 by 5' must be KHxKW", "--kernel", "5 by 5")]
    [InlineData("option --kernel '0x3' must be KHxKW", "--kernel", "0x3")]
    [InlineData("option --method 'sgd' must be one of auto, lstsq, adam", "--kernel", "3x3", "--method", "sgd")]
    [InlineData("option --channels 'rgb' must be one of per-channel, full", "--kernel", "3x3", "--channels", "rgb")]
    [InlineData("--border 'mirror' is not a border mode", "--kernel", "3x3", "--border", "mirror")]
    [InlineData("option --lr '-1' must be a positive number", "--kernel", "3x3", "--lr", "-1")]
    [InlineData("option --holdout 'a.png' must be BEFORE,AFTER", "--kernel", "3x3", "--holdout", "a.png")]
    [InlineData("--plot draws Adam's loss curve; least squares solves in one step (add --method adam)", "--kernel", "3x3", "--plot", "loss.png")]
    [InlineData("--frames samples frame pairs from two videos, but --input and --target are images", "--kernel", "3x3", "--frames", "4")]
    [InlineData("unknown option --stpes for fit", "--kernel", "3x3", "--stpes", "5")]
    public void CommandLineThatDoesNotParse(string expected, params string[] options)
        => Rejected(2, expected, ["--input", F("before.png"), "--target", F("emboss.png"), .. options]);

    [Fact]
    public void OutputMustBeAJsonKernelFile()
    {
        using var work = new TempFolder();
        var r = FitFixtures.Fit(work, "--input", F("before.png"), "--target", F("emboss.png"), "--kernel", "3x3", "--output", "k.txt");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("convstream fit: --output 'k.txt' must be a .json kernel file", Assert.Single(r.StderrLines));
        Assert.Empty(work.Files());
    }
}
