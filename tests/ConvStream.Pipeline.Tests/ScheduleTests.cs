using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Synthetic;

namespace ConvStream.Pipeline.Tests;

public class ScheduleTests
{
    [Fact]
    public async Task OfflineLosesNothingOnAnyBranchAndKeepsOrder()
    {
        var plan = Harness.Plan("""
        {
          "stages": [
            { "name": "a", "op": "add", "input": "source", "value": 1 },
            { "name": "slow", "op": "slow", "input": "a", "ms": 2 },
            { "name": "b", "op": "half", "input": "source" },
            { "name": "c", "op": "sum2", "input": ["a", "slow"] },
          ],
          "outputs": [
            { "kind": "null", "stage": "slow", "name": "o1" },
            { "kind": "null", "stage": "b", "name": "o2" },
            { "kind": "mosaic", "stages": ["source", "b", "c"], "name": "o3" },
          ],
          "schedule": { "mode": "offline", "capacity": 1 },
        }
        """);
        var sinks = Harness.Capture(plan, _ => new CaptureSink(keepPixels: false));
        var runner = new PipelineRunner(plan, new SyntheticSource(64, 48, frames: 40), sinks);
        var summary = await runner.RunAsync();
        Assert.Equal(40, summary.FramesRead);
        foreach (var node in summary.Nodes)
        {
            if (node.Kind != Metrics.NodeKind.Source) Assert.Equal(40, node.FramesIn);
            Assert.Equal(40, node.FramesOut);
            Assert.Equal(0, node.Dropped);
        }
        foreach (var sink in sinks.Values.Cast<CaptureSink>())
        {
            Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), sink.Frames.Select(f => f.Stamp.Index));
            Assert.True(sink.Completed);
        }
        Assert.True(runner.Pool.AllReturned);
    }

    [Fact]
    public async Task LiveDropsFramesUnderASlowStageAndKeepsLatencyBounded()
    {
        // A 200 fps camera stand-in, a 20 ms stage: at most ~50 of 200 frames can be processed.
        var plan = Harness.Plan("""
        {
          "stages": [
            { "name": "fast", "op": "add", "input": "source", "value": 3 },
            { "name": "slow", "op": "slow", "input": "source", "ms": 20 },
            { "name": "sum", "op": "sum2", "input": ["fast", "slow"] },
          ],
          "outputs": [ { "kind": "null", "stage": "sum", "name": "sum" }, { "kind": "null", "stage": "fast", "name": "fast" } ],
          "schedule": { "mode": "live" },
        }
        """);
        var sinks = Harness.Capture(plan);
        var source = new SyntheticSource(64, 48, fps: 200, frames: 200, paced: true);
        var runner = new PipelineRunner(plan, source, sinks);
        var summary = await runner.RunAsync();

        var sum = (CaptureSink)sinks["sum"];
        Assert.Equal(200, summary.FramesRead);
        Assert.True(summary.Dropped > 50, $"expected many drops, got {summary.Dropped}");
        Assert.InRange(sum.Frames.Count, 5, 120);
        // Newest frame wins: indexes only go up, and each output frame is the fan-in of the SAME source frame.
        for (int k = 1; k < sum.Frames.Count; k++) Assert.True(sum.Frames[k].Stamp.Index > sum.Frames[k - 1].Stamp.Index);
        foreach (var (stamp, pixels) in sum.Frames.Take(10))
        {
            var src = Harness.Source(64, 48, stamp.Index).ToPacked();
            var expected = src.Select(v => (byte)Math.Min(255, Math.Min(255, v + 3) + v)).ToArray();
            Assert.Equal(expected, pixels);
        }
        // Latency stays bounded by a few stage periods (~60 ms here; generous for loaded CI machines) instead of
        // growing with the run: without drops the last of 200 frames at 20 ms each would be ~3 s old.
        var age = summary.Nodes.Single(n => n.Name == "sum" && n.Kind == Metrics.NodeKind.Output).Age;
        Assert.True(age.PercentileMs(0.99) < 1000, $"p99 age {age.PercentileMs(0.99)} ms");
        Assert.True(runner.Pool.AllReturned);
    }

    [Fact]
    public async Task CancellationDrainsEveryFrameInFlightAndCompletesSinks()
    {
        var plan = Harness.Plan("""
        {
          "stages": [ { "name": "a", "op": "slow", "ms": 3 }, { "name": "b", "op": "add" } ],
          "outputs": [ { "kind": "null", "stage": "b", "name": "b" }, { "kind": "null", "stage": "a", "name": "a" } ],
          "schedule": { "mode": "offline", "capacity": 3 },
        }
        """);
        var sinks = Harness.Capture(plan, _ => new CaptureSink(keepPixels: false));
        var runner = new PipelineRunner(plan, new SyntheticSource(64, 48, fps: 500, paced: true), sinks);
        // Cancelled once frames are flowing (not after a fixed time: on a loaded machine the warm-up alone can take longer).
        using var cts = new CancellationTokenSource();
        var cancelWhenFlowing = Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (runner.FramesRead <= 10 && DateTime.UtcNow < deadline) await Task.Delay(5);
            cts.Cancel();
        });
        var summary = await runner.RunAsync(cts.Token);
        await cancelWhenFlowing;
        Assert.True(summary.Cancelled);
        Assert.True(summary.FramesRead > 10);
        foreach (var sink in sinks.Values.Cast<CaptureSink>())
        {
            Assert.True(sink.Completed);
            Assert.Equal(summary.FramesRead, sink.Frames.Count);
        }
        Assert.True(runner.Pool.AllReturned);
    }

    [Theory]
    [InlineData("first")]
    [InlineData("middle")]
    [InlineData("last")]
    public async Task AFailingStageStopsThePipelineNamingItAndSinksAreCompleted(string which)
    {
        string Op(string name) => name == which ? $"\"op\": \"fail\", \"at\": 5" : "\"op\": \"add\"";
        var plan = Harness.Plan($$"""
        {
          "stages": [
            { "name": "first", {{Op("first")}} },
            { "name": "middle", {{Op("middle")}} },
            { "name": "last", {{Op("last")}} },
            { "name": "other", "op": "half", "input": "source" },
          ],
          "outputs": [ { "kind": "null", "stage": "last", "name": "a" }, { "kind": "null", "stage": "other", "name": "b" } ],
        }
        """);
        var sinks = Harness.Capture(plan, _ => new CaptureSink(keepPixels: false));
        var runner = new PipelineRunner(plan, new SyntheticSource(64, 48, frames: 1000), sinks);
        var e = await Assert.ThrowsAsync<PipelineStageException>(() => runner.RunAsync());
        Assert.Equal($"stage '{which}'", e.Node);
        Assert.StartsWith($"stage '{which}' failed: InvalidOperationException: deliberate failure at frame 5", e.Message);
        Assert.All(sinks.Values.Cast<CaptureSink>(), s => Assert.Equal(1, s.CompleteCalls));
        Assert.True(((CaptureSink)sinks["a"]).Frames.Count <= 5);
        Assert.True(runner.FramesRead < 1000, "the source kept reading after the failure");
        Assert.True(runner.Pool.AllReturned);
    }

    [Fact]
    public async Task AStageThatFailsOnItsFirstCallIsNamedBeforeAnyOutputOpensOrFrameIsRead()
    {
        // The runner warms every stage up once before the source starts (JIT, scratch pools), so a
        // stage that cannot run at all fails there: no output is opened, no frame read.
        var plan = Harness.Plan("""
        { "stages": [ { "name": "ok", "op": "add" }, { "name": "broken", "op": "fail", "at": 0, "input": "source" } ],
          "outputs": [ { "kind": "null", "stage": "ok", "name": "a" }, { "kind": "null", "stage": "broken", "name": "b" } ] }
        """);
        var sinks = Harness.Capture(plan, _ => new CaptureSink(keepPixels: false));
        var runner = new PipelineRunner(plan, new SyntheticSource(64, 48, frames: 100), sinks);
        var e = await Assert.ThrowsAsync<PipelineStageException>(() => runner.RunAsync());
        Assert.Equal("stage 'broken'", e.Node);
        Assert.Contains("deliberate failure at frame 0", e.Message);
        Assert.All(sinks.Values.Cast<CaptureSink>(), s => Assert.Equal(default, s.Opened));
        Assert.Equal(0, runner.FramesRead);
        Assert.True(runner.Pool.AllReturned);
    }

    [Fact]
    public async Task AFailingSinkStopsThePipelineNamingTheOutput()
    {
        var plan = Harness.Plan("""
        { "stages": [ { "name": "a", "op": "add" } ],
          "outputs": [ { "kind": "file", "stage": "a", "path": "a.mp4" }, { "kind": "null", "stage": "source", "name": "raw" } ] }
        """);
        var sinks = Harness.Capture(plan, name => new CaptureSink(failAt: name == "a.mp4" ? 3 : -1, keepPixels: false));
        var runner = new PipelineRunner(plan, new SyntheticSource(64, 48, frames: 500), sinks);
        var e = await Assert.ThrowsAsync<PipelineStageException>(() => runner.RunAsync());
        Assert.Equal("output 'a.mp4'", e.Node);
        Assert.Contains("deliberate sink failure", e.Message);
        Assert.All(sinks.Values.Cast<CaptureSink>(), s => Assert.True(s.Completed));
        Assert.True(runner.Pool.AllReturned);
    }

    [Fact]
    public async Task FramesCarryEveryStageTimeOfTheirPathAcrossFanOutAndFanIn()
    {
        var plan = Harness.Plan("""
        { "stages": [ { "name": "a", "op": "slow", "ms": 3 }, { "name": "b", "op": "add", "input": "a" }, { "name": "c", "op": "slow", "input": "a", "ms": 2 },
                      { "name": "d", "op": "sum2", "input": ["b", "c"] }, { "name": "e", "op": "half", "input": "source" } ],
          "outputs": [ { "kind": "null", "stage": "d", "name": "od" }, { "kind": "null", "stage": "e", "name": "oe" } ] }
        """);
        var seen = new List<(string Output, long Index, StageTime[] Times)>();
        var options = new RunOptions
        {
            OutputObserver = (output, stamp, times) => { lock (seen) seen.Add((output, stamp.Index, times.ToArray())); },
        };
        var runner = new PipelineRunner(plan, new SyntheticSource(64, 48, frames: 10), Harness.Capture(plan), options);
        await runner.RunAsync();
        int Slot(string name) => plan.Stages.Single(s => s.Name == name).Slot;
        double Ms(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        Assert.Equal(20, seen.Count);
        foreach (var (output, _, times) in seen.Where(x => x.Output == "od"))
        {
            // 'd' saw both branches of 'a': a's compute (≥ 3 ms sleep) came through b and c; c's 2 ms too; e is not on the path.
            Assert.True(Ms(times[Slot("a")].ComputeTicks) >= 2.9, $"{output}: a computed {Ms(times[Slot("a")].ComputeTicks)} ms");
            Assert.True(Ms(times[Slot("c")].ComputeTicks) >= 1.9);
            Assert.True(times[Slot("b")].IsSet && times[Slot("d")].IsSet);
            Assert.False(times[Slot("e")].IsSet);
        }
        foreach (var (_, _, times) in seen.Where(x => x.Output == "oe"))
        {
            Assert.True(times[Slot("e")].IsSet);
            Assert.False(times[Slot("a")].IsSet || times[Slot("b")].IsSet || times[Slot("c")].IsSet || times[Slot("d")].IsSet);
        }
    }
}
