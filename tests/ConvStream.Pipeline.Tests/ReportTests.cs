using System.Diagnostics.Metrics;
using System.Text.Json;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Outputs;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Synthetic;
using ConvStream.Pipeline.Video;

namespace ConvStream.Pipeline.Tests;

public class ReportTests
{
    private const string Chain = """
    { "stages": [ { "name": "a", "op": "slow", "ms": 1 }, { "name": "b", "op": "half" } ],
      "outputs": [ { "kind": "null", "stage": "b", "name": "out" } ] }
    """;

    [Fact]
    public async Task BenchJsonHasExactlyTheDocumentedFields()
    {
        var plan = Harness.Plan(Chain);
        var runner = new PipelineRunner(plan, new SyntheticSource(64, 48, frames: 30), plan.Outputs.ToDictionary(o => o.Name, _ => (IVideoSink)new NullSink()),
            new RunOptions { WarmupFrames = 10 });
        var summary = await runner.RunAsync();
        using var doc = JsonDocument.Parse(BenchReport.Json(summary, "64x48", 1));
        var root = doc.RootElement;
        Assert.Equal(["stages", "frames", "fps", "allocated_bytes_per_frame", "gc_collections", "size", "threads"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(20, root.GetProperty("frames").GetInt64());
        Assert.Equal("64x48", root.GetProperty("size").GetString());
        var stages = root.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["a", "b"], stages.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(["slow", "half"], stages.Select(s => s.GetProperty("op").GetString()));
        foreach (var s in stages)
        {
            Assert.Equal(["name", "op", "compute_ms", "queue_ms"], s.EnumerateObject().Select(p => p.Name));
            foreach (var field in new[] { "compute_ms", "queue_ms" })
                Assert.Equal(["p50", "p95", "p99", "max"], s.GetProperty(field).EnumerateObject().Select(p => p.Name));
        }
        // The 1 ms stage: its compute percentiles are at least 1 ms and ordered.
        var c = stages[0].GetProperty("compute_ms");
        Assert.True(c.GetProperty("p50").GetDouble() >= 0.95);
        Assert.True(c.GetProperty("p50").GetDouble() <= c.GetProperty("p99").GetDouble() && c.GetProperty("p99").GetDouble() <= c.GetProperty("max").GetDouble());
        Assert.Contains("| a | slow |", BenchReport.Markdown(summary, "64x48", 1, "t"));
    }

    [Fact]
    public async Task StageTimesArePublishedOnTheConvStreamMeter()
    {
        var computeByStage = new Dictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMeter.Name && instrument.Name == "convstream.stage.compute") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var t in tags)
                if (t.Key == "stage" && value >= 0)
                    lock (computeByStage) computeByStage[(string)t.Value!] = computeByStage.GetValueOrDefault((string)t.Value!) + 1;
        });
        listener.Start();
        var plan = Harness.Plan(Chain);
        var runner = new PipelineRunner(plan, new SyntheticSource(64, 48, frames: 12), plan.Outputs.ToDictionary(o => o.Name, _ => (IVideoSink)new NullSink()));
        await runner.RunAsync();
        // Other tests may run pipelines with stages of these names at the same time: at least ours.
        Assert.True(computeByStage.GetValueOrDefault("a") >= 12);
        Assert.True(computeByStage.GetValueOrDefault("b") >= 12);
    }
}
