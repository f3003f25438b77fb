using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ConvStream.Engine.Imaging;

namespace ConvStream.Web.Tests;

/// <summary>The read-only endpoints against a real Kestrel on a loopback port, demo.json running live.</summary>
public sealed class EndpointTests(LiveDemo demo) : IClassFixture<LiveDemo>
{
    private TestPipeline P => demo.Pipeline;

    [Fact]
    public async Task Page_is_one_self_contained_file()
    {
        using var r = await P.Client.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/html", r.Content.Headers.ContentType!.MediaType);
        string html = await r.Content.ReadAsStringAsync();
        Assert.Contains("<script>", html);
        Assert.Contains("stream/", html);
        // Nothing from elsewhere: the machines it runs on may have no internet.
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("src=\"//", html);
        Assert.DoesNotContain("<link", html);
    }

    [Fact]
    public async Task Pipeline_lists_source_stages_params_and_shapes()
    {
        var j = await P.GetJsonAsync("api/pipeline");
        Assert.Equal("demo.json", (string?)j["file"]);
        var source = j["source"]!;
        Assert.Equal(640, (int)source["width"]!);
        Assert.Equal(360, (int)source["height"]!);
        Assert.True((bool)source["live"]!);
        var stages = j["stages"]!.AsArray().Select(s => s!.AsObject()).ToArray();
        Assert.Equal(["blur", "edges", "emboss", "pooled"], stages.Select(s => (string)s["name"]!));
        Assert.Equal(["gaussian", "sobel-magnitude", "conv", "maxpool"], stages.Select(s => (string)s["op"]!));
        Assert.All(stages, s => Assert.Equal("source", (string?)s["input"]));
        Assert.Equal("[3,360,640]", stages[0]["shape"]!.ToJsonString());
        Assert.Equal("[1,360,640]", stages[1]["shape"]!.ToJsonString());
        Assert.Equal("[3,180,320]", stages[3]["shape"]!.ToJsonString());
        Assert.Equal(9, (int)stages[0]["params"]!["size"]!);
        Assert.Equal(2, (double)stages[0]["params"]!["sigma"]!);
        Assert.Equal("../kernels/emboss.json", (string?)stages[2]["params"]!["kernel"]);
        // Every key the op accepts, with the value in force: given, else the op's default.
        Assert.Equal("""{"border":"reflect","sigma":2,"sigma_y":0,"size":9}""", stages[0]["params"]!.ToJsonString());
        Assert.Equal("""{"border":"reflect","norm":"l2","scale":1,"size":3}""", stages[1]["params"]!.ToJsonString());
        Assert.Equal("""{"size":2,"stride":2}""", stages[3]["params"]!.ToJsonString());
        Assert.Equal(4, j["outputs"]!.AsArray().Count);
    }

    [Fact]
    public async Task Stats_count_frames_and_give_percentiles_per_stage_and_frame_age_per_output()
    {
        var first = await P.GetJsonAsync("api/stats");
        // fps and the compute history come from the once-a-second sampler, which needs two ticks after
        // the pipeline starts (the first is its baseline): ask again until every stage shows a rate, at
        // least 1.5 s later and for at most 15 s; the assertions below then say what is missing.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonObject second;
        do
        {
            await Task.Delay(250);
            second = await P.GetJsonAsync("api/stats");
        }
        while (waited.Elapsed < TimeSpan.FromSeconds(15)
               && (waited.Elapsed < TimeSpan.FromSeconds(1.5)
                   || second["stages"]!.AsArray().Any(s => (double)s!["fps"]! <= 0 || s["compute_history_ms"]!.AsArray().Count == 0)));
        Assert.True((long)second["source"]!["frames_out"]! > (long)first["source"]!["frames_out"]!);
        foreach (var s in second["stages"]!.AsArray())
        {
            string name = (string)s!["name"]!;
            var before = first["stages"]!.AsArray().First(x => (string)x!["name"]! == name)!;
            Assert.True((long)s["frames_out"]! > (long)before["frames_out"]!, $"{name} produced no frame in 1.5 s");
            foreach (string key in new[] { "queue_ms", "compute_ms" })
            {
                var p = s[key]!;
                double p50 = (double)p["p50"]!, p95 = (double)p["p95"]!, p99 = (double)p["p99"]!, max = (double)p["max"]!;
                Assert.True(p50 >= 0 && p50 <= p95 && p95 <= p99 && p99 <= max, $"{name} {key}: {p.ToJsonString()}");
            }
            Assert.True((double)s["compute_ms"]!["p50"]! > 0);
            Assert.True((double)s["fps"]! > 0, $"{name}: fps {s["fps"]}");
            Assert.NotEmpty(s["compute_history_ms"]!.AsArray());
            Assert.True((long)s["frames_in"]! >= (long)s["frames_out"]!);
        }
        var outputs = second["outputs"]!.AsArray();
        Assert.Equal(4, outputs.Count);
        Assert.All(outputs, o => Assert.True((double)o!["age_ms"]!["p50"]! > 0));
    }

    [Fact]
    public async Task Stream_sends_jpeg_parts_with_length_of_newer_and_newer_frames()
    {
        using var r = await P.Client.GetAsync("stream/blur", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("multipart/x-mixed-replace", r.Content.Headers.ContentType!.MediaType);
        Assert.Equal(LiveView.Boundary, r.Content.Headers.ContentType.Parameters.Single(p => p.Name == "boundary").Value);
        await using var body = await r.Content.ReadAsStreamAsync();
        var parts = await MultipartReader.ReadPartsAsync(body, LiveView.Boundary, 3);
        long last = -1;
        foreach (var part in parts)
        {
            Assert.Equal("image/jpeg", part.Headers["Content-Type"]);
            Assert.Equal(part.Body.Length, int.Parse(part.Headers["Content-Length"]));
            var (_, w, h, c) = TestPipeline.Decode(part.Body);
            Assert.Equal((640, 360, 3), (w, h, c));
            long index = long.Parse(part.Headers["X-Frame-Index"]);
            Assert.True(index > last, $"frame {index} after {last}");
            last = index;
        }
        // The source and a gray stage stream too.
        foreach (var (node, channels) in new[] { ("source", 3), ("edges", 1) })
        {
            using var s = await P.Client.GetAsync($"stream/{node}", HttpCompletionOption.ResponseHeadersRead);
            await using var b = await s.Content.ReadAsStreamAsync();
            var part = (await MultipartReader.ReadPartsAsync(b, LiveView.Boundary, 1))[0];
            Assert.Equal(channels, TestPipeline.Decode(part.Body).Channels);
        }
    }

    [Theory]
    [InlineData("source")]
    [InlineData("blur")]
    [InlineData("edges")]
    [InlineData("emboss")]
    [InlineData("pooled")]
    public async Task Png_snapshot_is_exactly_what_the_stage_computed_for_that_frame(string node)
    {
        var (index, pixels, w, h, c) = await P.SnapshotAsync(node);
        var expected = P.Reference(node, index);
        Assert.Equal((expected.Width, expected.Height, expected.Channels), (w, h, c));
        Assert.Equal(PixelDepth.U8, expected.Depth);
        Assert.True(expected.ToPacked().AsSpan().SequenceEqual(pixels), $"{node}: frame {index} differs from the stage's own result");
    }

    [Fact]
    public async Task Jpeg_snapshot_is_one_picture_close_to_the_stage_result()
    {
        using var r = await P.Client.GetAsync("snapshot/blur.jpg");
        Assert.Equal("image/jpeg", r.Content.Headers.ContentType!.MediaType);
        long index = long.Parse(r.Headers.GetValues("X-Frame-Index").Single());
        var (pixels, _, _, _) = TestPipeline.Decode(await r.Content.ReadAsByteArrayAsync());
        var expected = P.Reference("blur", index).ToPacked();
        double meanError = expected.Zip(pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanError < 3, $"JPEG differs from the stage's result by {meanError:0.00} on average");
    }

    [Theory]
    [InlineData("GET", "stream/nope")]
    [InlineData("GET", "snapshot/nope.jpg")]
    [InlineData("GET", "snapshot/nope.png")]
    [InlineData("PUT", "api/stages/nope")]
    [InlineData("PUT", "api/stages/source")]
    [InlineData("GET", "no/such/page")]
    public async Task Unknown_stage_or_page_is_404_with_a_one_line_error(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "PUT") request.Content = new StringContent("{\"size\": 3}", Encoding.UTF8, "application/json");
        using var r = await P.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        var error = (string)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["error"]!;
        Assert.DoesNotContain("\n", error);
        Assert.DoesNotContain(" at ", error);
        if (path.Contains("nope")) Assert.Contains("'nope'", error);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_stage_labels()
    {
        // Wait for a collection cycle with frames in every stage (a loaded machine may take seconds to get there).
        string text = "";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(500);
            using var r = await P.Client.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.StartsWith("text/plain", r.Content.Headers.ContentType!.ToString());
            text = await r.Content.ReadAsStringAsync();
        }
        while (DateTime.UtcNow < deadline && !new[] { "blur", "edges", "emboss", "pooled" }.All(stage =>
            System.Text.RegularExpressions.Regex.IsMatch(text, $"convstream_stage_frames_out(_frames)?(_total)?\\{{otel_scope_name=\"ConvStream\",stage=\"{stage}\"\\}} [1-9]")));
        foreach (var stage in new[] { "blur", "edges", "emboss", "pooled" })
        {
            Assert.Contains($"convstream_stage_compute_milliseconds_bucket{{otel_scope_name=\"ConvStream\",stage=\"{stage}\",le=\"1\"}}", text);
            // Counters are observed from every pipeline running in the process (other tests' too): present, with a count.
            Assert.Matches($"convstream_stage_frames_out_frames_total\\{{otel_scope_name=\"ConvStream\",stage=\"{stage}\"\\}} [0-9]+", text);
            Assert.Matches($"convstream_stage_compute_milliseconds_count\\{{otel_scope_name=\"ConvStream\",stage=\"{stage}\"\\}} [1-9]", text);
        }
        Assert.Contains("# TYPE convstream_stage_queue_wait_milliseconds histogram", text);
        Assert.Contains("convstream_output_age_milliseconds_count{otel_scope_name=\"ConvStream\",output=\"blur.mp4\"}", text);
    }
}
