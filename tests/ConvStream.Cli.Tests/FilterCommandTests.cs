using System.Text.RegularExpressions;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Images;
using ConvStream.Engine.Io;

namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream filter</c> end to end with the real ops, against OpenCV's answers on the same
/// image (Fixtures/filter/make_filter_fixtures.py): the command's reading, chaining and writing.
/// </summary>
public class FilterCommandTests
{
    private static NpyArray Expected(string name) => Npy.Read(Path.Combine(FilterRun.FixtureFolder, $"expected_{name}.npy"));

    private static void Succeeds(FilterRun run, params string[] args)
    {
        var (code, _, stderr) = run.Run(args);
        Assert.True(code == 0, $"exit {code}: {string.Join(" | ", stderr)}");
        Assert.Empty(stderr);
    }

    private static void AssertSameArray(NpyArray expected, NpyArray actual, int tolerance = 0)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.DType, actual.DType);
        if (tolerance == 0) { Assert.Equal(expected.Data, actual.Data); return; }
        for (int i = 0; i < expected.Data.Length; i++)
            Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= tolerance, $"element {i}: {actual.Data[i]} vs OpenCV {expected.Data[i]}");
    }

    [Theory]
    [InlineData("gray", new[] { "gray" })]
    [InlineData("gray_gaussian5", new[] { "gray", "gaussian:size=5,sigma=0" })]
    [InlineData("sobel_dx_s16", new[] { "gray", "sobel:dx=1,dy=0,depth=s16" })]
    [InlineData("gray_maxpool2", new[] { "gray", "maxpool:size=2" })]
    public void NpyOutputEqualsOpenCv(string expected, string[] stages)
    {
        using var run = new FilterRun();
        Succeeds(run, ["input.png", "out.npy", .. stages.SelectMany(s => new[] { "--stage", s })]);
        AssertSameArray(Expected(expected), Npy.Read(run.File("out.npy")));
        Assert.Equal(["out.npy"], run.NewFiles());
    }

    [Theory]
    [InlineData("gaussian7_bgr", "gaussian:size=7,sigma=1.5", 0)]
    [InlineData("sobel_dx_png", "sobel:dx=1,dy=0,depth=s16", 0)] // int16 saturated into the 8-bit file
    [InlineData("sharpen_bgr", "conv:kernel=sharpen.json", 1)] // the issue's tolerance for conv on u8
    public void PngOutputEqualsOpenCv(string expected, string stage, int tolerance)
    {
        using var run = new FilterRun();
        string[] stages = expected.StartsWith("sobel", StringComparison.Ordinal) ? ["--stage", "gray", "--stage", stage] : ["--stage", stage];
        Succeeds(run, ["input.png", "out.png", .. stages]);
        var frame = ImageFile.Read(run.File("out.png"));
        AssertSameArray(Expected(expected), Engine.Imaging.Codecs.NpyImage.FromFrame(frame), tolerance);
    }

    [Fact]
    public void ReadsNpyAndPpmInputs()
    {
        using var run = new FilterRun();
        var bgr = ImageFile.Read(run.File("input.png"));
        ImageFile.Write(run.File("input.npy"), bgr);
        ImageFile.Write(run.File("input.ppm"), bgr);
        Succeeds(run, "input.npy", "a.npy", "--stage", "gray");
        Succeeds(run, "input.ppm", "b.pgm", "--stage", "gray");
        AssertSameArray(Expected("gray"), Npy.Read(run.File("a.npy")));
        AssertSameArray(Expected("gray"), Engine.Imaging.Codecs.NpyImage.FromFrame(ImageFile.Read(run.File("b.pgm"))));
    }

    [Fact]
    public void RepeatPrintsTimingOnStderrAndStillWrites()
    {
        using var run = new FilterRun();
        var (code, stdout, stderr) = run.Run("input.png", "out.npy", "--stage", "gray", "--stage", "gaussian:size=5,sigma=0", "--repeat", "3", "--threads", "1");
        Assert.Equal(0, code);
        Assert.Empty(stdout);
        Assert.Single(stderr);
        Assert.Matches(new Regex(@"^median_ms=\d+\.\d{4} min_ms=\d+\.\d{4} runs=3$"), stderr[0]);
        AssertSameArray(Expected("gray_gaussian5"), Npy.Read(run.File("out.npy")));
    }
}
