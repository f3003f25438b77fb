using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Synthetic;
using ConvStream.Pipeline.Video;
using ConvStream.Stages;

namespace ConvStream.Pipeline.Tests;

/// <summary>
/// <see cref="PipelineRunner.UpdateStageAsync"/>: a stage's plan rebuilt from new keys and swapped
/// in while frames flow. Every frame that comes out must be exactly the old keys' result or exactly
/// the new keys' result for its source frame (never a mix), none may be lost, old frames never
/// follow new ones, and every frame read after the update returned is new.
/// </summary>
public class PlanSwapTests
{
    private const int W = 96, H = 64, Frames = 300;

    private const string Graph = """
    {
      "stages": [
        { "name": "blur", "op": "gaussian", "input": "source", "size": 3, "sigma": 0 },
        { "name": "wait", "op": "slow", "input": "blur", "ms": 3 },
      ],
      "outputs": [ { "kind": "null", "stage": "wait", "name": "out" } ],
      "schedule": { "mode": "offline", "capacity": 2 },
    }
    """;

    [Fact]
    public async Task SwappedMidRun_EveryFrameIsWhollyOldOrNew_NoneLost_AllLaterOnesNew()
    {
        var plan = Harness.Plan(Graph, W, H);
        var sink = new CaptureSink();
        var runner = new PipelineRunner(plan, new SyntheticSource(W, H, frames: Frames), new Dictionary<string, IVideoSink> { ["out"] = sink });
        var run = runner.RunAsync();

        while (Count(sink) < 20 && !run.IsCompleted) await Task.Delay(5);
        long writtenBefore = Count(sink);
        var now = await runner.UpdateStageAsync("blur", new Dictionary<string, string> { ["size"] = "7", ["sigma"] = "2" });
        long readAfter = runner.FramesRead;
        await run;

        Assert.Equal("7", now.Values["size"]);
        Assert.Equal("2", now.Values["sigma"]);
        Assert.True(readAfter < Frames, $"the update landed after the source had ended ({readAfter} frames read); the test did not swap mid-run");
        Assert.Equal(Frames, sink.Frames.Count);

        var oldFilter = StageRegistry.Create("gaussian:size=3,sigma=0");
        var newFilter = StageRegistry.Create("gaussian:size=7,sigma=2");
        long firstNew = -1;
        for (int i = 0; i < Frames; i++)
        {
            var (stamp, pixels) = sink.Frames[i];
            Assert.Equal(i, stamp.Index);
            var src = Harness.Source(W, H, i);
            bool isOld = pixels.AsSpan().SequenceEqual(Apply(oldFilter, src));
            bool isNew = pixels.AsSpan().SequenceEqual(Apply(newFilter, src));
            Assert.True(isOld ^ isNew, $"frame {i} is {(isOld ? "both" : "neither")} the old keys' and the new keys' result");
            if (isNew && firstNew < 0) firstNew = i;
            if (isOld) Assert.True(firstNew < 0, $"frame {i} has the old keys after frame {firstNew} had the new ones");
        }
        Assert.True(firstNew >= writtenBefore, $"frame {firstNew} is new but {writtenBefore} frames were written before the update began");
        Assert.True(firstNew <= readAfter, $"frame {readAfter} was read after the update returned but the first new frame is {firstNew}");
    }

    [Fact]
    public async Task BadKeysGiveTheFilesMessageAndLeaveThePlanAsItWas()
    {
        var plan = Harness.Plan(Graph, W, H);
        var runner = new PipelineRunner(plan, new SyntheticSource(W, H, frames: 3), new Dictionary<string, IVideoSink> { ["out"] = new CaptureSink() });

        var viaFile = Assert.ThrowsAny<ConvStreamException>(() => Harness.Plan(Graph.Replace("\"size\": 3", "\"size\": 4"), W, H)).Message;
        var live = await Assert.ThrowsAnyAsync<ConvStreamException>(() => runner.UpdateStageAsync("blur", new Dictionary<string, string> { ["size"] = "4" }));
        Assert.Equal(viaFile, live.Message);
        Assert.StartsWith("test.json: stage 'blur': key 'size' must be an odd number", live.Message);

        var unknown = await Assert.ThrowsAnyAsync<ConvStreamException>(() => runner.UpdateStageAsync("blur", new Dictionary<string, string> { ["radius"] = "2" }));
        Assert.Equal("test.json: stage 'blur': unknown key 'radius'; expected size, sigma, sigma_y, border", unknown.Message);

        var missing = await Assert.ThrowsAnyAsync<ConvStreamException>(() => runner.UpdateStageAsync("blurr", new Dictionary<string, string> { ["size"] = "5" }));
        Assert.Equal("test.json: no stage 'blurr'; the stages are blur, wait", missing.Message);

        var blur = runner.GetStageParameters("blur");
        Assert.Equal("3", blur.Values["size"]);
        Assert.Equal(new Dictionary<string, string> { ["size"] = "3", ["sigma"] = "0" }, blur.Keys);
    }

    [Fact]
    public async Task KeysThatChangeTheOutputFormatAreRefused()
    {
        var plan = Harness.Plan("""
        {
          "stages": [ { "name": "d", "op": "sobel", "input": "source", "dx": 1, "dy": 0 } ],
          "outputs": [ { "kind": "null", "stage": "d", "name": "out" } ],
        }
        """, W, H);
        var runner = new PipelineRunner(plan, new SyntheticSource(W, H, frames: 3), new Dictionary<string, IVideoSink> { ["out"] = new CaptureSink() });
        var e = await Assert.ThrowsAnyAsync<ConvStreamException>(() => runner.UpdateStageAsync("d", new Dictionary<string, string> { ["depth"] = "f32" }));
        Assert.Equal($"test.json: stage 'd': these keys change its output from {W}x{H}x3 s16 to {W}x{H}x3 f32; a running pipeline only takes keys that keep every frame format (plan the pipeline again for that)", e.Message);
        // Same format, new keys: accepted; an empty value takes a key back to the op's default.
        var now = await runner.UpdateStageAsync("d", new Dictionary<string, string> { ["dx"] = "0", ["dy"] = "1", ["size"] = "5" });
        Assert.Equal(("0", "1", "5"), (now.Values["dx"], now.Values["dy"], now.Values["size"]));
        now = await runner.UpdateStageAsync("d", new Dictionary<string, string> { ["size"] = "" });
        Assert.Equal("3", now.Values["size"]);
        Assert.False(now.Keys.ContainsKey("size"));
    }

    [Fact]
    public void ParametersListEveryKeyWithTheValueInForceAndTheOutputFormat()
    {
        var plan = Harness.Plan("""
        {
          "stages": [
            { "name": "blur", "op": "gaussian", "input": "source", "size": 5 },
            { "name": "features", "op": "conv2d", "input": "blur", "weights": "kernels/rgb-to-4.json", "padding": "same" },
            { "name": "pooled", "op": "max-pool2d", "input": "features" },
          ],
          "outputs": [ { "kind": "null", "stage": "pooled", "name": "out" } ],
        }
        """, W, H);
        var runner = new PipelineRunner(plan, new SyntheticSource(W, H, frames: 3), new Dictionary<string, IVideoSink> { ["out"] = new CaptureSink() });
        var all = runner.GetStageParameters();
        Assert.Equal(["blur", "features", "pooled"], all.Select(p => p.Stage));

        var blur = all[0];
        Assert.Equal("gaussian", blur.Op);
        Assert.Equal(["source"], blur.Inputs);
        Assert.Equal(new Dictionary<string, string?> { ["size"] = "5", ["sigma"] = "0", ["sigma_y"] = "0", ["border"] = "reflect" }, blur.Values);
        Assert.Equal(new FrameFormat(W, H, 3, PixelDepth.U8), blur.Output);

        var conv = all[1];
        Assert.Equal(["weights", "bias", "stride", "padding", "dilation", "groups", "border", "flip", "relu"], conv.Values.Keys);
        Assert.Equal("kernels/rgb-to-4.json", conv.Values["weights"]);
        Assert.Null(conv.Values["bias"]);
        Assert.Equal(("1", "same", "1", "zeros", "false"), (conv.Values["stride"], conv.Values["padding"], conv.Values["groups"], conv.Values["border"], conv.Values["relu"]));
        Assert.Equal(new FrameFormat(W, H, 4, PixelDepth.F32), conv.Output);

        var pool = all[2];
        Assert.Equal("2", pool.Values["kernel"]);
        Assert.Null(pool.Values["stride"]); // derived: the kernel
        Assert.Equal(new FrameFormat(W / 2, H / 2, 4, PixelDepth.F32), pool.Output);
    }

    private static int Count(CaptureSink sink) { lock (sink.Frames) return sink.Frames.Count; }

    private static byte[] Apply(IFrameFilter filter, Frame src)
    {
        var output = filter.OutputFormat([FrameFormat.Of(src)]).Allocate();
        filter.Apply([src], output);
        return output.ToPacked();
    }
}
