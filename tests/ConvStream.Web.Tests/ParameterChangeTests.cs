using System.Text.Json.Nodes;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;

namespace ConvStream.Web.Tests;

/// <summary>PUT /api/stages/{name} and POST /api/save on a running demo.json (each test its own pipeline: they change it).</summary>
public sealed class ParameterChangeTests
{
    [Fact]
    public async Task A_valid_change_is_in_force_from_a_frame_boundary_and_shown_by_the_api()
    {
        await using var p = await TestPipeline.StartAsync();
        var (status, body) = await p.PutAsync("blur", """{"sigma": 5, "size": 15}""");
        Assert.True(status == 200, body.ToJsonString());
        Assert.Equal(5, (double)body["params"]!["sigma"]!);
        Assert.Equal(15, (int)body["params"]!["size"]!);
        var blur = (await p.GetJsonAsync("api/pipeline"))["stages"]!.AsArray().First(s => (string)s!["name"]! == "blur")!;
        Assert.Equal(5, (double)blur["params"]!["sigma"]!);

        await AssertSwitchesWhole(p, "blur", p.Plan.Definition, p.With("blur", ("sigma", "5"), ("size", "15")));
        // Other stages go on as before.
        var (ei, edges, _, _, _) = await p.SnapshotAsync("edges");
        Assert.True(p.Reference("edges", ei).ToPacked().AsSpan().SequenceEqual(edges));
    }

    [Fact]
    public async Task Null_puts_a_key_back_to_the_ops_default()
    {
        await using var p = await TestPipeline.StartAsync();
        var (status, body) = await p.PutAsync("blur", """{"size": null, "sigma": 1.5}""");
        Assert.True(status == 200, body.ToJsonString());
        // gaussian's size 0 = derived from sigma, as OpenCV does.
        Assert.Equal("""{"border":"reflect","sigma":1.5,"sigma_y":0,"size":0}""", body["params"]!.ToJsonString());
        await AssertSwitchesWhole(p, "blur", p.Plan.Definition, p.With("blur", ("size", null), ("sigma", "1.5")));
    }

    [Theory]
    [InlineData("blur", """{"size": 4}""", "size", "4")]
    [InlineData("blur", """{"sigma": "wide"}""", "sigma", "\"wide\"")]
    [InlineData("blur", """{"sizee": 5}""", "sizee", "5")]
    [InlineData("edges", """{"norm": "l3"}""", "norm", "\"l3\"")]
    [InlineData("blur", """{"border": "mirror-ish"}""", "border", "\"mirror-ish\"")]
    [InlineData("blur", """{"size": {"a": 1}}""", "size", "{\"a\": 1}")]
    public async Task A_bad_value_is_400_with_the_pipeline_files_own_message_and_changes_nothing(string stage, string json, string key, string fileValue)
    {
        await using var p = await TestPipeline.StartAsync();
        string paramsBefore = await Params(p, stage);
        var (status, body) = await p.PutAsync(stage, json);
        Assert.Equal(400, status);
        string error = (string)body["error"]!;
        Assert.Equal(FileMessage(p, stage, key, fileValue), error);
        var (index, pixels, _, _, _) = await p.SnapshotAsync(stage);
        Assert.True(p.Reference(stage, index).ToPacked().AsSpan().SequenceEqual(pixels), "the running stage changed");
        Assert.Equal(paramsBefore, await Params(p, stage));
    }

    private static async Task<string> Params(TestPipeline p, string stage)
        => (await p.GetJsonAsync("api/pipeline"))["stages"]!.AsArray().First(s => (string)s!["name"]! == stage)!["params"]!.ToJsonString();

    [Fact]
    public async Task A_change_of_shape_the_later_stages_cannot_take_is_400()
    {
        await using var p = await TestPipeline.StartAsync();
        var (status, body) = await p.PutAsync("pooled", """{"size": 3}""");
        Assert.Equal(400, status);
        Assert.Equal("demo.json: stage 'pooled': these keys change its output from 320x180x3 u8 to 213x120x3 u8; a running pipeline only takes keys that keep every frame format (plan the pipeline again for that)",
            (string)body["error"]!);
        Assert.Equal(400, (await p.PutAsync("blur", """{"op": "box"}""")).Status);
        Assert.Equal(400, (await p.PutAsync("blur", """{"input": "edges"}""")).Status);
        Assert.Equal(400, (await p.PutAsync("blur", "[1, 2]")).Status);
        Assert.Equal(400, (await p.PutAsync("blur", "not json")).Status);
    }

    [Theory]
    [InlineData("../../../../../../etc/passwd", "lies outside the pipeline's folder and filters/")]
    [InlineData("../../../secret.json", "lies outside the pipeline's folder and filters/")]
    [InlineData("/etc/passwd", "is an absolute path")]
    [InlineData("~/kernel.json", "is an absolute path")]
    public async Task A_kernel_file_outside_the_pipeline_folder_and_filters_is_refused(string kernel, string expected)
    {
        await using var p = await TestPipeline.StartAsync();
        // Made to exist, so the refusal is the path rule and not a missing file.
        File.WriteAllText(Path.Combine(p.Folder, "secret.json"), File.ReadAllText(Path.Combine(p.Folder, "filters", "kernels", "emboss.json")));
        var (status, body) = await p.PutAsync("emboss", new JsonObject { ["kernel"] = kernel }.ToJsonString());
        Assert.Equal(400, status);
        Assert.Equal($"demo.json: stage 'emboss': key 'kernel': '{kernel}' {expected}" + (expected.StartsWith("lies")
            ? "; kernel files changed from the browser must lie there"
            : "; name a file relative to the pipeline's folder, inside it or filters/"), (string)body["error"]!);
    }

    [Fact]
    public async Task A_kernel_file_inside_filters_is_taken()
    {
        await using var p = await TestPipeline.StartAsync();
        var (status, body) = await p.PutAsync("emboss", """{"kernel": "../kernels/sharpen.json"}""");
        Assert.True(status == 200, body.ToJsonString());
        await AssertSwitchesWhole(p, "emboss", p.Plan.Definition, p.With("emboss", ("kernel", "../kernels/sharpen.json")));
    }

    [Fact]
    public async Task A_change_from_another_origin_is_403()
    {
        await using var p = await TestPipeline.StartAsync();
        var (status, body) = await p.PutAsync("blur", """{"sigma": 3}""", origin: "http://evil.example");
        Assert.Equal(403, status);
        Assert.Contains("origin 'http://evil.example' is not this page's origin", (string)body["error"]!);
        Assert.Equal(200, (await p.PutAsync("blur", """{"sigma": 3}""", origin: p.BaseUrl.TrimEnd('/'))).Status);
    }

    [Fact]
    public async Task Save_writes_the_edited_pipeline_next_to_the_original_and_never_over_a_file_unasked()
    {
        await using var p = await TestPipeline.StartAsync();
        string original = File.ReadAllText(p.PipelinePath);
        Assert.Equal(200, (await p.PutAsync("blur", """{"sigma": 4.5}""")).Status);
        Assert.Equal(200, (await p.PutAsync("emboss", """{"kernel": "../kernels/outline.json"}""")).Status);

        var (status, body) = await Save(p, """{"file": "demo.tuned.json"}""");
        Assert.True(status == 200, body.ToJsonString());
        string saved = Path.Combine(Path.GetDirectoryName(p.PipelinePath)!, "demo.tuned.json");
        var reloaded = PipelineFile.Load(saved);
        Assert.Equal("4.5", reloaded.Stages.First(s => s.Name == "blur").Keys["sigma"]);
        Assert.Equal("9", reloaded.Stages.First(s => s.Name == "blur").Keys["size"]);
        Assert.Equal("../kernels/outline.json", reloaded.Stages.First(s => s.Name == "emboss").Keys["kernel"]);
        Assert.Equal(5, reloaded.Outputs.Count);       // everything else as in the original, the mosaic window too
        Assert.Equal(ScheduleMode.Offline, reloaded.Schedule.Mode);
        PipelinePlan.Build(reloaded, new FrameFormat(640, 360, 3, PixelDepth.U8));   // and it plans

        (status, body) = await Save(p, """{"file": "demo.tuned.json"}""");
        Assert.Equal(409, status);
        Assert.Equal("save: demo.tuned.json exists; confirm to overwrite it", (string)body["error"]!);
        (status, body) = await Save(p, """{"file": "demo.json"}""");
        Assert.Equal(409, status);
        Assert.Equal("save: demo.json is the pipeline file itself; confirm to overwrite it", (string)body["error"]!);
        Assert.Equal(original, File.ReadAllText(p.PipelinePath));
        (status, _) = await Save(p, """{"file": "demo.tuned.json", "overwrite": true}""");
        Assert.Equal(200, status);
        foreach (var bad in new[] { "../escape.json", "sub/x.json", "x.txt", ".hidden.json" })
            Assert.Equal(400, (await Save(p, new JsonObject { ["file"] = bad }.ToJsonString())).Status);
        Assert.False(File.Exists(Path.Combine(p.Folder, "filters", "escape.json")));
        // Default name: next to the original.
        (status, body) = await Save(p, "{}");
        Assert.Equal(200, status);
        Assert.Equal("demo.edited.json", (string)body["file"]!);
    }

    /// <summary>
    /// After a change was accepted, each picture of <paramref name="stage"/> is wholly the old
    /// parameters' result for its frame (a frame that was being computed when the swap came) or wholly
    /// the new ones', never a mix; once a new one appears, no old one follows, and one appears at once.
    /// </summary>
    private static async Task AssertSwitchesWhole(TestPipeline p, string stage, PipelineDefinition before, PipelineDefinition after)
    {
        bool switched = false;
        long last = -1;
        for (int i = 0; i < 4; i++)
        {
            var (index, pixels, _, _, _) = await p.SnapshotAsync(stage);
            Assert.True(index > last);
            last = index;
            bool isNew = p.Reference(stage, index, after).ToPacked().AsSpan().SequenceEqual(pixels);
            bool isOld = p.Reference(stage, index, before).ToPacked().AsSpan().SequenceEqual(pixels);
            Assert.True(isNew || isOld, $"frame {index} of '{stage}' is neither the old nor the new parameters' result");
            Assert.False(switched && !isNew, $"frame {index} of '{stage}' went back to the old parameters");
            switched |= isNew;
        }
        Assert.True(switched, $"'{stage}' still shows the old parameters four frames after the change");
    }

    private static async Task<(int Status, JsonObject Body)> Save(TestPipeline p, string json)
    {
        using var r = await p.Client.PostAsync("api/save", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        return ((int)r.StatusCode, JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>What `convstream run` says for demo.json with this key's value edited in the file.</summary>
    private static string FileMessage(TestPipeline p, string stage, string key, string jsonValue)
    {
        var doc = JsonNode.Parse(File.ReadAllText(p.PipelinePath), documentOptions: new System.Text.Json.JsonDocumentOptions
        {
            CommentHandling = System.Text.Json.JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        })!;
        doc["stages"]!.AsArray().First(s => (string)s!["name"]! == stage)![key] = JsonNode.Parse(jsonValue);
        string folder = Path.Combine(p.Folder, "filters", "edited");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "demo.json");
        File.WriteAllText(file, doc.ToJsonString());
        var e = Assert.ThrowsAny<ConvStreamException>(() =>
            PipelinePlan.Build(PipelineFile.Load(file), new FrameFormat(640, 360, 3, PixelDepth.U8)));
        return e.Message;
    }
}
