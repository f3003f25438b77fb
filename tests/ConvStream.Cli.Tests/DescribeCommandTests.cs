using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream describe</c> on the shipped pipelines and on a file with strides and dilation:
/// every stage listed with its output shape, and receptive fields computed here from the kernels'
/// sizes, strides and dilations with DESIGN §3's r = 1 + Σ (k_i − 1)·d_i·Π_{j&lt;i} s_j.
/// </summary>
public class DescribeCommandTests
{
    private static readonly string[] Shipped = ["bench.json", "cnn.json", "demo.json", "denoise.json", "motion.json", "webcam.json"];

    private static readonly ParallelRuns<string> Runs = new(Shipped.Append("strided"), (key, work) =>
    {
        if (key != "strided")
        {
            string path = Path.Combine(PipelineMedia.Pipelines, key);
            // A camera's size is known only once opened: describe needs --size for webcam.json.
            return key == "webcam.json" ? ["describe", path, "--size", "320x240"] : ["describe", path];
        }
        File.WriteAllText(work.File("strided.json"), $$"""
            { "source": "test:64x48@30",
              "stages": [
                { "name": "smooth", "op": "gaussian",   "input": "source", "size": 5, "sigma": 0 },
                { "name": "feat",   "op": "conv2d",     "input": "smooth", "weights": {{PipelineMedia.Json(Path.Combine(PipelineMedia.Kernels, "cnn", "features.json"))}}, "stride": 2, "dilation": 2 },
                { "name": "pool",   "op": "max-pool2d", "input": "feat",   "kernel": 3, "stride": 2 },
                { "name": "side",   "op": "box",        "input": "source", "size": 7 }
              ],
              "outputs": [ { "kind": "null", "stage": "pool" }, { "kind": "null", "stage": "side" } ] }
            """);
        return ["describe", "strided.json"];
    });

    /// <summary>Rows of the stage table by stage name: op, input, output shape, receptive field, multiply-adds.</summary>
    private static Dictionary<string, string[]> Table(CommandResult r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        int header = lines.FindIndex(l => l.StartsWith("stage ", StringComparison.Ordinal));
        Assert.True(header >= 0, $"no stage table in:\n{r.Stdout}");
        var rows = new Dictionary<string, string[]>();
        foreach (var line in lines.Skip(header + 1).TakeWhile(l => !l.StartsWith("total:", StringComparison.Ordinal)))
        {
            var cells = Regex.Split(line.Trim(), @"\s{2,}");
            Assert.Equal(6, cells.Length);
            rows[cells[0]] = cells;
        }
        return rows;
    }

    private static int Field(params (int K, int S, int D)[] path)
    {
        int r = 1, jump = 1;
        foreach (var (k, s, d) in path) { r += (k - 1) * d * jump; jump *= s; }
        return r;
    }

    private static int[] Shape(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var dims = new List<int>();
        for (var e = doc.RootElement.GetProperty("weights"); e.ValueKind == JsonValueKind.Array; e = e[0]) dims.Add(e.GetArrayLength());
        return [.. dims];
    }

    [Theory]
    [InlineData("bench.json")]
    [InlineData("cnn.json")]
    [InlineData("demo.json")]
    [InlineData("denoise.json")]
    [InlineData("motion.json")]
    [InlineData("webcam.json")]
    public void ListsEveryStageOfAShippedPipeline(string name)
    {
        var (work, result) = Runs.Get(name);
        using var _ = work;
        var table = Table(result);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(PipelineMedia.Pipelines, name)),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var stages = doc.RootElement.GetProperty("stages").EnumerateArray().Select(s => (Name: s.GetProperty("name").GetString()!, Op: s.GetProperty("op").GetString()!)).ToArray();
        Assert.Equal(stages.Select(s => s.Name).Order(), table.Keys.Order());
        foreach (var (stage, op) in stages) Assert.Equal(op, table[stage][1]);
        Assert.Contains("schedule: ", result.Stdout);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public void DemoShapesAndReceptiveFields()
    {
        var (work, result) = Runs.Get("demo.json");
        using var _ = work;
        var t = Table(result);
        // media/sample.mp4 is 640x360 (media/make_sample.sh); describe probes it.
        Assert.Equal("640x360x3 u8", t["blur"][3]);
        Assert.Equal("640x360x1 u8", t["edges"][3]);
        Assert.Equal("640x360x3 u8", t["emboss"][3]);
        Assert.Equal("320x180x3 u8", t["pooled"][3]);
        int emboss = Shape(Path.Combine(PipelineMedia.Kernels, "emboss.json"))[0];
        Assert.Equal($"{Field((9, 1, 1))}x{Field((9, 1, 1))}", t["blur"][4]);
        Assert.Equal("3x3", t["edges"][4]);
        Assert.Equal($"{Field((emboss, 1, 1))}x{Field((emboss, 1, 1))}", t["emboss"][4]);
        Assert.Equal($"{Field((2, 2, 1))}x{Field((2, 2, 1))}, step 2", t["pooled"][4]);
        // A separable 9-tap Gaussian: 9 + 9 multiply-adds per pixel and channel.
        Assert.Equal(Work(640L * 360 * 3 * 18), t["blur"][5]);
    }

    [Fact]
    public void CnnShapesReceptiveFieldsAndWork()
    {
        var (work, result) = Runs.Get("cnn.json");
        using var _ = work;
        var t = Table(result);
        var f = Shape(Path.Combine(PipelineMedia.Kernels, "cnn", "features.json")); // (Cout, Cin, KH, KW)
        var rc = Shape(Path.Combine(PipelineMedia.Kernels, "cnn", "reconstruct.json")); // (Cin, Cout, KH, KW)
        Assert.Equal($"640x360x{f[0]} f32", t["features"][3]);
        Assert.Equal($"640x360x{f[0]} f32", t["relu"][3]);
        Assert.Equal($"320x180x{f[0]} f32", t["pooled"][3]);
        Assert.Equal($"640x360x{rc[1]} f32", t["reconstructed"][3]);
        Assert.Equal($"640x360x{rc[1]} u8", t["picture"][3]);

        var conv = (f[2], 1, 1);
        var pool = (2, 2, 1); // max-pool2d kernel 2, stride = kernel
        int r = Field(conv);
        Assert.Equal($"{r}x{r}", t["features"][4]);
        Assert.Equal($"{r}x{r}", t["relu"][4]); // pointwise: k = 1
        int rp = Field(conv, (1, 1, 1), pool);
        Assert.Equal($"{rp}x{rp}, step 2", t["pooled"][4]);
        // conv-transpose2d with kernel 2 and stride 2: each output pixel reads exactly ceil(2/2) = 1
        // pooled pixel, so the field on the source does not grow.
        Assert.Equal(2, rc[2]);
        Assert.StartsWith($"{rp}x{rp}", t["reconstructed"][4]);
        Assert.StartsWith($"{rp}x{rp}", t["picture"][4]);
        Assert.Equal(Work(640L * 360 * f[0] * f[1] * f[2] * f[3]), t["features"][5]);
    }

    [Fact]
    public void LayoutLineSaysWhereFramesTravelPlanarAndWhereTheyAreConverted()
    {
        var (work, result) = Runs.Get("cnn.json");
        using var _ = work;
        // relu feeds the pool and the feature-map mosaic, which both read planes; the picture (to-u8) and its outputs need interleaved frames.
        Assert.Contains("layout: planar (C,H,W) f32 out of features, relu, pooled; converted to planar into features (from source); back to interleaved out of reconstructed\n", result.Stdout.Replace("\r", ""));
        var (demoWork, demo) = Runs.Get("demo.json");
        using var __ = demoWork;
        Assert.DoesNotContain("layout:", demo.Stdout);   // no tensor stage: every frame interleaved, nothing converted
        var (stridedWork, strided) = Runs.Get("strided");
        using var ___ = stridedWork;
        Assert.Contains("layout: planar (C,H,W) f32 out of feat; converted to planar into feat (from smooth); back to interleaved out of pool", strided.Stdout);
    }

    [Fact]
    public void StridesAndDilationsCompound()
    {
        var (work, result) = Runs.Get("strided");
        using var _ = work;
        var t = Table(result);
        // gaussian 5 → conv2d 3x3 stride 2 dilation 2 (valid) → max-pool2d 3 stride 2, on 64x48.
        int r1 = Field((5, 1, 1)), r2 = Field((5, 1, 1), (3, 2, 2)), r3 = Field((5, 1, 1), (3, 2, 2), (3, 2, 1));
        Assert.Equal((5, 9, 13), (r1, r2, r3));
        Assert.Equal($"{r1}x{r1}", t["smooth"][4]);
        Assert.Equal($"{r2}x{r2}, step 2", t["feat"][4]);
        Assert.Equal($"{r3}x{r3}, step 4", t["pool"][4]);
        Assert.Equal("7x7", t["side"][4]); // another branch from the source: its own path only
        // (64 − 5) / 2 + 1 = 30, (48 − 5) / 2 + 1 = 22; then (30 − 3) / 2 + 1 = 14, (22 − 3) / 2 + 1 = 10.
        Assert.Equal("30x22x8 f32", t["feat"][3]);
        Assert.Equal("14x10x8 f32", t["pool"][3]);
    }

    private static string Work(long n) => n switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e9:F2} G"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e6:F1} M"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e3:F1} k"),
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}
