using System.Text.Json;

namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream bench</c> end to end on small frames: the JSON report has exactly the issue's
/// fields with consistent percentiles, the markdown report names the stages, and a pipeline file
/// benches too. Only shapes and orderings are asserted, never times.
/// </summary>
public class BenchCommandTests
{
    private static readonly ParallelRuns<string> Runs = new(["stages", "file"], (key, _) => key == "stages"
        ? ["bench", "--stage", "gaussian:size=5,sigma=0", "--stage", "gray", "--size", "320x240", "--frames", "20", "--warmup", "5",
           "--json", "bench.json", "--markdown", "bench.md"]
        : ["bench", Path.Combine(PipelineMedia.Pipelines, "bench.json"), "--size", "320x240", "--frames", "10", "--warmup", "2", "--json", "b.json"]);

    private static readonly string[] Percentiles = ["p50", "p95", "p99", "max"];

    private static void AssertStage(JsonElement stage, string name, string op)
    {
        Assert.Equal(["name", "op", "compute_ms", "queue_ms"], stage.EnumerateObject().Select(p => p.Name));
        Assert.Equal(name, stage.GetProperty("name").GetString());
        Assert.Equal(op, stage.GetProperty("op").GetString());
        foreach (var what in new[] { "compute_ms", "queue_ms" })
        {
            var p = stage.GetProperty(what);
            Assert.Equal(Percentiles, p.EnumerateObject().Select(x => x.Name));
            double[] v = Percentiles.Select(k => p.GetProperty(k).GetDouble()).ToArray();
            Assert.True(v[0] >= 0 && v[0] <= v[1] && v[1] <= v[2] && v[2] <= v[3], $"{name} {what}: {string.Join(" ", v)} not ordered p50 ≤ p95 ≤ p99 ≤ max");
        }
        Assert.True(stage.GetProperty("compute_ms").GetProperty("max").GetDouble() > 0, $"{name}: no compute time measured");
    }

    private static JsonElement Overall(string file, int frames, int stages)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var root = doc.RootElement.Clone();
        Assert.Equal(["stages", "frames", "fps", "allocated_bytes_per_frame", "gc_collections", "size", "threads"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(frames, root.GetProperty("frames").GetInt32());
        Assert.True(root.GetProperty("fps").GetDouble() > 0);
        Assert.True(root.GetProperty("allocated_bytes_per_frame").GetDouble() >= 0);
        Assert.True(root.GetProperty("gc_collections").GetInt32() >= 0);
        Assert.Equal("320x240", root.GetProperty("size").GetString());
        Assert.True(root.GetProperty("threads").GetInt32() >= 1);
        Assert.Equal(stages, root.GetProperty("stages").GetArrayLength());
        return root;
    }

    [Fact]
    public void StageChainWritesJsonAndMarkdown()
    {
        var (work, r) = Runs.Get("stages");
        using var _ = work;
        Assert.True(r.ExitCode == 0, r.ToString());
        var root = Overall(work.File("bench.json"), 20, 2);
        AssertStage(root.GetProperty("stages")[0], "gaussian", "gaussian");
        AssertStage(root.GetProperty("stages")[1], "gray", "gray");
        string md = File.ReadAllText(work.File("bench.md"));
        Assert.Contains("| gaussian | gaussian |", md);
        Assert.Contains("| gray | gray |", md);
        Assert.Contains("320x240", md);
        Assert.Equal(["bench.json", "bench.md"], work.Files()); // no temporary left behind
    }

    [Fact]
    public void PipelineFileBenches()
    {
        var (work, r) = Runs.Get("file");
        using var _ = work;
        Assert.True(r.ExitCode == 0, r.ToString());
        var root = Overall(work.File("b.json"), 10, 4);
        var stages = root.GetProperty("stages").EnumerateArray().ToArray();
        AssertStage(stages.Single(s => s.GetProperty("name").GetString() == "blur"), "blur", "gaussian");
        AssertStage(stages.Single(s => s.GetProperty("name").GetString() == "edges"), "edges", "sobel-magnitude");
        AssertStage(stages.Single(s => s.GetProperty("name").GetString() == "emboss"), "emboss", "conv");
        AssertStage(stages.Single(s => s.GetProperty("name").GetString() == "pooled"), "pooled", "maxpool");
        // bench.json's schedule asks for one thread per stage; bench keeps it.
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        foreach (var stage in new[] { "blur", "edges", "emboss", "pooled" }) Assert.Contains(stage, r.Stdout);
    }

    [Fact]
    public void VersusOpenCvPrintsOpenCvsTimeAndTheRatioPerStage()
    {
        using var work = new TempFolder();
        var r = ConvstreamProcess.Run(work.Path, "bench", "--stage", "gaussian:size=5,sigma=0", "--stage", "maxpool:size=2",
            "--size", "320x240", "--frames", "5", "--warmup", "2", "--versus", "opencv", "--repeat", "5");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("versus OpenCvSharp 4.13.", r.Stdout);
        Assert.Matches(@"\| gaussian \| gaussian \| \d+\.\d{3} \| \d+\.\d{3} \| \d+\.\d{2} \| \d+\.\d{3} \|", r.Stdout);
        Assert.Matches(@"\| maxpool \| maxpool \| — \| no single OpenCV call \| — \| \d+\.\d{3} \|", r.Stdout);
        var bad = ConvstreamProcess.Run(work.Path, "bench", "--stage", "gray", "--versus", "halide");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("option --versus 'halide' must be opencv", Assert.Single(bad.StderrLines));
    }
}
