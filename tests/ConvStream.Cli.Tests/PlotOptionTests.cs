using System.Text.RegularExpressions;
using ConvStream.Media.Images;

namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>bench --plot</c> and <c>run --plot</c>: the PNG decodes (ConvStream's own reader) to the
/// documented size and is not blank, the SVG names every stage and the percentiles the summary
/// printed; a path with an unknown extension or in a missing folder is refused before the run,
/// with one line naming the option, and nothing is written.
/// </summary>
public class PlotOptionTests
{
    private const string TestPipeline = """
        { "source": "test:96x64@30",
          "stages": [
            { "name": "soft", "op": "gaussian", "input": "source", "size": 5, "sigma": 0 },
            { "name": "mono", "op": "gray",     "input": "soft" } ],
          "outputs": [ { "kind": "null", "stage": "mono", "name": "sink" } ] }
        """;

    private static readonly ParallelRuns<string> Runs = new(["bench-png", "bench-svg", "run-svg"], (key, work) =>
    {
        File.WriteAllText(work.File("p.json"), TestPipeline);
        return key switch
        {
            "bench-png" => ["bench", "--stage", "gaussian:size=5,sigma=0", "--stage", "gray", "--size", "160x120", "--frames", "40", "--warmup", "5", "--plot", "bench.png"],
            "bench-svg" => ["bench", "p.json", "--size", "160x120", "--frames", "30", "--warmup", "5", "--plot", "bench.svg"],
            _ => ["run", "p.json", "--frames", "25", "--plot", "run.svg"],
        };
    });

    [Fact]
    public void BenchDrawsAPngOfTheDocumentedSizeThatIsNotBlank()
    {
        var (work, r) = Runs.Get("bench-png");
        using var _ = work;
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("wrote the latency plot to bench.png", r.Stdout);
        var png = ImageFile.Read(work.File("bench.png"));
        // One panel for the frame-time series and one per stage, each 300 pixels high, 1100 wide.
        Assert.Equal((1100, 900), (png.Width, png.Height));
        var pixels = png.ToPacked();
        Assert.True(pixels.Distinct().Count() > 50, "the plot is nearly blank");
        double mean = pixels.Average(b => (double)b), variance = pixels.Average(b => (b - mean) * (b - mean));
        Assert.True(variance > 100, $"pixel variance {variance:F1}: the picture is flat");
        Assert.Equal(["bench.png", "p.json"], work.Files()); // no temporary left behind
    }

    [Fact]
    public void BenchSvgNamesEveryStageAndThePercentiles()
    {
        var (work, r) = Runs.Get("bench-svg");
        using var _ = work;
        Assert.True(r.ExitCode == 0, r.ToString());
        string svg = File.ReadAllText(work.File("bench.svg"));
        Assert.StartsWith("<?xml", svg);
        Assert.Contains("<svg", svg);
        string text = SvgText(svg);
        Assert.Contains("stage soft (gaussian)", text);
        Assert.Contains("stage mono (gray)", text);
        Assert.Contains("soft compute", text);
        Assert.Contains("→ null:mono between frames", text);
        Assert.Contains("30 frames", text);
        // The legend's p50 is the summary's (same histogram), to the digits both print.
        var row = Regex.Match(r.Stdout, @"^soft\s+gaussian\s+\d+\s+\d+\s+\d+\s+[\d.]+/[\d.]+/[\d.]+/[\d.]+\s+([\d.]+)/", RegexOptions.Multiline);
        Assert.True(row.Success, r.Stdout);
        var legend = Regex.Match(text, @"compute p50 ([\d.]+), p99 ([\d.]+) ms");
        Assert.True(legend.Success, text);
        double printed = double.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        double drawn = double.Parse(legend.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(printed - drawn) <= 0.0051, $"summary p50 {printed} ms, legend p50 {drawn} ms");
    }

    [Fact]
    public void RunDrawsTheSameFiguresForARun()
    {
        var (work, r) = Runs.Get("run-svg");
        using var _ = work;
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("wrote the latency plot to run.svg", r.Stdout);
        string text = SvgText(File.ReadAllText(work.File("run.svg")));
        Assert.Contains("convstream run p.json: 25 frames", text);
        Assert.Contains("stage soft (gaussian)", text);
        Assert.Contains("stage mono (gray)", text);
        Assert.Contains("→ sink between frames", text);
    }

    [Theory]
    [InlineData(2, "option --plot 'lat.jpg' must end in .png or .svg", "bench", "--stage", "gray", "--plot", "lat.jpg")]
    [InlineData(2, "option --plot 'lat' must end in .png or .svg", "run", "p.json", "--plot", "lat")]
    [InlineData(1, "option --plot missing/lat.png: folder {work}/missing does not exist", "bench", "--stage", "gray", "--plot", "missing/lat.png")]
    [InlineData(1, "option --plot missing/lat.svg: folder {work}/missing does not exist", "run", "p.json", "--plot", "missing/lat.svg")]
    [InlineData(1, "option --json missing/b.json: folder {work}/missing does not exist", "bench", "--stage", "gray", "--json", "missing/b.json")]
    [InlineData(1, "option --markdown missing/b.md: folder {work}/missing does not exist", "bench", "--stage", "gray", "--markdown", "missing/b.md")]
    [InlineData(2, "--plot draws one run's figures; it cannot be combined with --segments", "run", "p.json", "--segments", "2", "--plot", "lat.png")]
    public void ABadPlotPathIsRefusedBeforeTheRun(int exit, string message, params string[] args)
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), TestPipeline);
        var r = ConvstreamProcess.Run(work.Path, args);
        Assert.True(r.ExitCode == exit, r.ToString());
        Assert.Equal($"convstream {args[0]}: {message.Replace("{work}", work.Path)}", Assert.Single(r.StderrLines));
        Assert.Empty(r.Stdout);
        Assert.Equal(["p.json"], work.Files()); // nothing ran: no out folder, no picture
    }

    [Theory]
    [InlineData("--json", "b.json")]
    [InlineData("--markdown", "b.md")]
    [InlineData("--plot", "b.png")]
    public void AReportPathThatIsAFolderIsRefusedBeforeTheBenchmark(string option, string name)
    {
        using var work = new TempFolder();
        Directory.CreateDirectory(work.File(name));
        var r = ConvstreamProcess.Run(work.Path, "bench", "--stage", "gray", option, name);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal($"convstream bench: option {option} {name}: is a folder; expected a file name", Assert.Single(r.StderrLines));
        Assert.Empty(r.Stdout); // refused before the benchmark: no table
    }

    /// <summary>The text of an SVG's &lt;text&gt; elements, decoded, one per line (Skia writes one element per run of text).</summary>
    private static string SvgText(string svg)
        => string.Join("\n", Regex.Matches(svg, @"<text[^>]*>(.*?)</text>", RegexOptions.Singleline)
            .Select(m => System.Net.WebUtility.HtmlDecode(Regex.Replace(m.Groups[1].Value, "<[^>]+>", ""))));
}
