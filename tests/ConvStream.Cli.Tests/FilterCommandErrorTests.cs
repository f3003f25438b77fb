using ConvStream.Engine.Filters;
using ConvStream.Stages;

namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream filter</c> on bad input, through the real command: a non-zero exit, exactly one
/// line on stderr that names what is wrong, and no output file (nor temporary) left behind.
/// </summary>
public class FilterCommandErrorTests
{
    private static void AssertRejected(FilterRun run, int exit, string expected, params string[] args)
    {
        var (code, _, stderr) = run.Run(args);
        Assert.True(code == exit, $"exit {code}, expected {exit}; stderr: {string.Join(" | ", stderr)}");
        Assert.True(stderr.Length == 1, $"expected one stderr line, got {stderr.Length}: {string.Join(" | ", stderr)}");
        Assert.StartsWith("convstream filter: ", stderr[0]);
        Assert.Contains(expected, stderr[0]);
        Assert.Empty(run.NewFiles());
    }

    [Theory]
    [InlineData("usage", 2, "filter needs at least one --stage")]
    [InlineData("nosuch", 1, "unknown op 'nosuch'")]
    [InlineData("gray:foo=1", 1, "stage 'gray': unknown key 'foo'")]
    [InlineData("gaussian:size=4,sigma=0", 1, "stage 'gaussian': key 'size' must be an odd number")]
    [InlineData("conv:kernel=ragged.json", 1, "ragged.json")]
    [InlineData("conv:kernel=no-such-kernel.json", 1, "no-such-kernel.json")]
    [InlineData("magnitude", 1, "stage 'magnitude' takes 2 frames (a dx/dy pair)")]
    [InlineData("gray:", 1, "stage 'gray'")] // an empty key list is fine: this one fails on the missing input below
    public void BadStageIsOneLine(string stage, int exit, string expected)
    {
        using var run = new FilterRun();
        if (stage == "usage") { AssertRejected(run, exit, expected, "input.png", "out.png"); return; }
        if (stage == "gray:") { AssertRejected(run, exit, "missing.png: file not found", "missing.png", "out.png", "--stage", stage); return; }
        AssertRejected(run, exit, expected, "input.png", "out.png", "--stage", stage);
    }

    [Fact]
    public void BadStageAfterGoodOnesIsCaughtBeforeAnyWork()
    {
        using var run = new FilterRun();
        AssertRejected(run, 1, "stage 3 'gaussian': unknown key 'sizee'",
            "input.png", "out.npy", "--stage", "gray", "--stage", "gaussian:size=3,sigma=0", "--stage", "gaussian:size=3,sigma=0,sizee=3");
    }

    [Fact]
    public void StageThatDoesNotFitTheImageIsCaughtBeforeAnyStageRuns()
    {
        // gray takes u8; Sobel at s16 gives int16. Planned from the decoded image's format, before any stage runs.
        using var run = new FilterRun();
        AssertRejected(run, 1, "stage 2 'gray': expects a u8 frame", "input.png", "out.png", "--stage", "sobel:dx=1,dy=0,depth=s16", "--stage", "gray");
    }

    [Theory]
    [InlineData("truncated.png", "OpenCV cannot decode it (a damaged or truncated PNG file")]
    [InlineData("badcrc.png", "OpenCV cannot decode it (a damaged or truncated PNG file")]
    [InlineData("garbage.png", "OpenCV cannot decode it (a damaged or truncated PNG file")]
    [InlineData("empty.png", "empty file, not an image")]
    [InlineData("truncated.ppm", "OpenCV cannot decode it (a damaged or truncated PNM file")]
    [InlineData("wrong.npy", "must be uint8")]
    [InlineData("missing.png", "file not found")]
    [InlineData("picture.jpg", "OpenCV cannot decode it (a damaged or truncated JPEG file")]
    [InlineData("huge.png", "PNG header declares 2147483647x2147483647 pixels; at most 1048576 a side")]
    public void BadImageIsOneLineNamingIt(string file, string expected)
    {
        using var run = new FilterRun();
        byte[] png = File.ReadAllBytes(run.File("input.png"));
        switch (file)
        {
            case "truncated.png": File.WriteAllBytes(run.File(file), png[..(png.Length * 2 / 3)]); break;
            case "badcrc.png":
                byte[] damaged = (byte[])png.Clone();
                damaged[^20] ^= 0x01; // inside the last IDAT chunk's data or CRC
                File.WriteAllBytes(run.File(file), damaged);
                break;
            case "garbage.png": File.WriteAllText(run.File(file), "this is not an image at all"); break;
            case "empty.png": File.WriteAllBytes(run.File(file), []); break;
            case "truncated.ppm": File.WriteAllText(run.File(file), "P6\n10 10\n255\nabc"); break;
            case "wrong.npy": ConvStream.Engine.Io.Npy.Write(run.File(file), new ConvStream.Engine.Io.NpyArray(ConvStream.Engine.Io.NpyDType.Float64, [2, 3], new byte[48])); break;
            case "picture.jpg": File.WriteAllBytes(run.File(file), [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]); break;
            case "huge.png":
                // Issue 10's defect 7: a header declaring 2^31−1 × 2^31−1 pixels is refused before decoding.
                byte[] huge = (byte[])png[..33].Clone();
                huge[16] = huge[20] = 0x7F;
                huge[17] = huge[18] = huge[19] = huge[21] = huge[22] = huge[23] = 0xFF;
                File.WriteAllBytes(run.File(file), huge);
                break;
        }
        var before = run.NewFiles();
        var (code, _, stderr) = run.Run(file, "out.png", "--stage", "gray");
        Assert.Equal(1, code);
        Assert.True(stderr.Length == 1, string.Join(" | ", stderr));
        Assert.Contains($"{file}: ", stderr[0]);
        Assert.Contains(expected, stderr[0]);
        Assert.Equal(before, run.NewFiles());
    }

    [Theory]
    [InlineData("out.gif", "unknown image type '.gif' for output")]
    [InlineData("out.pgm", "a PGM holds 1 channel but the result has 3")]
    [InlineData("missing-folder/out.png", "does not exist")]
    public void BadOutputIsOneLine(string output, string expected)
    {
        using var run = new FilterRun();
        AssertRejected(run, 1, expected, "input.png", output, "--stage", "maxpool:size=2");
    }

    [Fact]
    public void TwoChannelResultToPngIsRefusedBeforeWork()
    {
        using var run = new FilterRun();
        ConvStream.Engine.Io.Npy.Write(run.File("two.npy"), ConvStream.Engine.Io.NpyArray.FromBytes(new byte[8 * 6 * 2], 8, 6, 2));
        var (code, _, stderr) = run.Run("two.npy", "out.png", "--stage", "maxpool:size=2");
        Assert.Equal(1, code);
        Assert.Single(stderr);
        Assert.Contains("the result has 2; write .npy", stderr[0]);
        Assert.Equal(["two.npy"], run.NewFiles());
    }

    [Theory]
    [InlineData("--repeat", "0", "option --repeat '0' must be a positive integer")]
    [InlineData("--threads", "x", "option --threads 'x' must be a positive integer")]
    [InlineData("--bogus", "1", "unknown option --bogus for filter")]
    public void BadOptionIsUsageError(string option, string value, string expected)
    {
        using var run = new FilterRun();
        AssertRejected(run, 2, expected, "input.png", "out.png", "--stage", "gray", option, value);
    }

    [Fact]
    public void ListPrintsTheRegisteredOps()
    {
        using var run = new FilterRun();
        var (code, stdout, stderr) = run.Run("--list");
        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Equal(StageRegistry.FilterOps.ToArray(), stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void HelpDescribesTheInterface()
    {
        using var run = new FilterRun();
        var (code, stdout, _) = run.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("usage: convstream filter IN OUT --stage \"OP[:key=value,...]\"", stdout);
    }
}
