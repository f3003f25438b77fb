namespace ConvStream.Cli.Tests;

/// <summary><c>convstream fit</c> on a video pair (FFV1 clips whose after frames OpenCV filtered): frame pairs sampled across both.</summary>
public class FitVideoTests
{
    [Fact]
    public void EmbossIsRecoveredFromSampledFramePairs()
    {
        using var work = new TempFolder();
        var r = FitFixtures.Fit(work, "--input", FitFixtures.F("clip.mkv"), "--target", FitFixtures.F("clip_emboss.mkv"),
            "--kernel", "3x3", "--bias", "--frames", "4", "--output", "k.json");
        FitFixtures.Succeeded(r);
        Assert.Contains("on 4 frame pair(s) of 64x48x3 u8 sampled from 10 frames", r.Stdout);
        var file = FitFixtures.Load(work, "k.json");
        Assert.True(FitFixtures.MaxDiff(FitFixtures.Truth("clip_emboss"), file.Weights) <= 2e-2, string.Join(", ", file.Weights));
        Assert.Equal(128, file.Bias[0], 0.5);
        Assert.Matches(@"pair:\s+PSNR (∞|\d+\.\d\d) dB \(peak 255\), max error 0,", r.Stdout);
    }
}
