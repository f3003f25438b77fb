using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Temporal;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Synthetic;
using ConvStream.Pipeline.Video;
using ConvStream.Stages;

namespace ConvStream.Pipeline.Tests;

/// <summary>
/// Frames carry their layout: the planner makes a stage's output planar (C,H,W) f32 when every
/// reader is a tensor stage, and the runner converts only at interleaved ↔ planar boundaries. Each
/// pipeline's bytes are checked against its stages applied one by one to interleaved frames (each
/// tensor stage then converting in and out itself, as every tensor stage did before frames carried
/// their layout), and the conversions are counted as the runner makes them.
/// </summary>
public class LayoutTests
{
    private const int W = 64, H = 48, Frames = 6;

    // A cnn.json-like chain: conv2d → relu → max-pool2d → conv-transpose2d → to-u8, on gray frames.
    private const string Chain = """
    {
      "stages": [
        { "name": "features", "op": "conv2d", "input": "source", "weights": "kernels/gray-to-2.json", "padding": "same", "border": "reflect" },
        { "name": "relu", "op": "relu", "input": "features" },
        { "name": "pooled", "op": "max-pool2d", "input": "relu", "kernel": 2 },
        { "name": "reconstructed", "op": "conv-transpose2d", "input": "pooled", "weights": "kernels/up-2-to-1.json", "stride": 2 },
        { "name": "picture", "op": "to-u8", "input": "reconstructed" },
      ],
      "outputs": [ { "kind": "file", "stage": "picture", "path": "x.mp4", "name": "out" } ],
    }
    """;

    [Fact]
    public async Task CnnLikeChain_OneConversionInAndOneOut_SameBytesAsStageByStage()
    {
        var plan = Harness.Plan(Chain, W, H, 1);
        Assert.Equal([new LayoutConversion("features", "source", FrameLayout.Planar), new LayoutConversion("reconstructed", null, FrameLayout.Interleaved)], plan.Conversions);
        Assert.Equal([FrameLayout.Planar, FrameLayout.Planar, FrameLayout.Planar, FrameLayout.Interleaved, FrameLayout.Interleaved],
            plan.Stages.Select(s => s.OutputLayout));
        Assert.Equal(FrameLayout.Planar, plan.LayoutOf("relu"));
        // A stage's format names its samples; the frames it hands on are that format in its layout.
        Assert.Equal(new FrameFormat(W / 2, H / 2, 2, PixelDepth.F32), plan.FormatOf("pooled"));
        Assert.Equal(plan.FormatOf("pooled").AsPlanar, plan.Stages[2].Carried);

        var (runner, sinks) = await Run(plan, 1);
        Assert.Equal(Frames, runner.ConversionsToPlanar);
        Assert.Equal(Frames, runner.ConversionsToInterleaved);
        AssertStageByStage(plan, sinks["out"], 1, "picture");
        Assert.True(runner.Pool.AllReturned);
    }

    [Fact]
    public async Task FanOut_AnEightBitAndATensorReader_EachGetsItsLayout()
    {
        // The source feeds an 8-bit blur and a tensor stage; the features feed a tensor stage and an
        // 8-bit reader (to-u8), so they stay interleaved and the pool converts them in again; the
        // pool's maps go to a mosaic, which reads them planar.
        var plan = Harness.Plan("""
        {
          "stages": [
            { "name": "blur", "op": "gaussian", "input": "source", "size": 5 },
            { "name": "features", "op": "conv2d", "input": "source", "weights": "kernels/rgb-to-4.json", "padding": "same" },
            { "name": "pooled", "op": "avg-pool2d", "input": "features", "kernel": 2 },
            { "name": "shown", "op": "to-u8", "input": "features", "abs": true },
          ],
          "outputs": [
            { "kind": "file", "stage": "blur", "path": "b.mp4", "name": "blur" },
            { "kind": "null", "stage": "shown", "name": "shown" },
            { "kind": "mosaic", "stages": ["pooled"], "path": "m.mp4", "name": "maps" },
          ],
        }
        """, W, H);
        Assert.Equal([
            new LayoutConversion("features", "source", FrameLayout.Planar), new LayoutConversion("features", null, FrameLayout.Interleaved),
            new LayoutConversion("pooled", "features", FrameLayout.Planar)], plan.Conversions);
        Assert.Equal([FrameLayout.Interleaved, FrameLayout.Interleaved, FrameLayout.Planar, FrameLayout.Interleaved], plan.Stages.Select(s => s.OutputLayout));

        var (runner, sinks) = await Run(plan, 3);
        Assert.Equal(2 * Frames, runner.ConversionsToPlanar);
        Assert.Equal(Frames, runner.ConversionsToInterleaved);
        AssertStageByStage(plan, sinks["blur"], 3, "blur");
        AssertStageByStage(plan, sinks["shown"], 3, "shown");
        AssertStageByStage(plan, sinks["maps"], 3, "pooled", plan.Outputs.Single(o => o.Name == "maps"));
    }

    [Fact]
    public async Task PlanarOutputWithANonTensorReader_IsConverted_AndTheTensorPathStaysPlanar()
    {
        // pooled's result is read by a tensor stage and an 8-bit stage's test filter ("slow" copies
        // interleaved rows): it must travel interleaved; features → pooled stays planar.
        var plan = Harness.Plan("""
        {
          "stages": [
            { "name": "features", "op": "conv2d", "input": "source", "weights": "kernels/gray-to-2.json" },
            { "name": "pooled", "op": "max-pool2d", "input": "features" },
            { "name": "copy", "op": "slow", "input": "pooled", "ms": 0 },
            { "name": "up", "op": "conv-transpose2d", "input": "pooled", "weights": "kernels/up-2-to-1.json", "stride": 2 },
          ],
          "outputs": [ { "kind": "null", "stage": "copy", "name": "copy" }, { "kind": "file", "stage": "up", "path": "u.mp4", "name": "up" } ],
        }
        """, W, H, 1);
        Assert.Equal([
            new LayoutConversion("features", "source", FrameLayout.Planar), new LayoutConversion("pooled", null, FrameLayout.Interleaved),
            new LayoutConversion("up", "pooled", FrameLayout.Planar), new LayoutConversion("up", null, FrameLayout.Interleaved)], plan.Conversions);
        Assert.Equal(FrameLayout.Planar, plan.LayoutOf("features"));
        Assert.Equal(FrameLayout.Interleaved, plan.LayoutOf("pooled"));

        var (runner, sinks) = await Run(plan, 1);
        Assert.Equal(2 * Frames, runner.ConversionsToPlanar);
        Assert.Equal(2 * Frames, runner.ConversionsToInterleaved);
        AssertStageByStage(plan, sinks["copy"], 1, "copy");
        AssertStageByStage(plan, sinks["up"], 1, "up");
    }

    [Fact]
    public async Task MultiChannelConv_PlanarIntoAPool_AndSaturatedOutOfPlanesAtU8()
    {
        // A multi-channel conv kernel runs through conv2d's engine on planes: at f32 it hands planes to
        // the pool; at depth=u8 its planar result is converted (saturated) into its u8 output.
        var plan = Harness.Plan("""
        {
          "stages": [
            { "name": "maps", "op": "conv", "input": "source", "kernel": "kernels/rgb-to-4.json" },
            { "name": "pooled", "op": "max-pool2d", "input": "maps" },
            { "name": "bytes", "op": "conv", "input": "source", "kernel": "kernels/rgb-to-4.json", "depth": "u8" },
          ],
          "outputs": [ { "kind": "null", "stage": "pooled", "name": "pooled" }, { "kind": "null", "stage": "bytes", "name": "bytes" } ],
        }
        """, W, H);
        Assert.Equal([
            new LayoutConversion("maps", "source", FrameLayout.Planar),
            new LayoutConversion("bytes", "source", FrameLayout.Planar), new LayoutConversion("bytes", null, FrameLayout.Interleaved),
            new LayoutConversion("pooled", null, FrameLayout.Interleaved)], plan.Conversions);   // in dependency order: maps, bytes, pooled
        Assert.Equal(FrameLayout.Planar, plan.LayoutOf("maps"));
        var (runner, sinks) = await Run(plan, 3);
        Assert.Equal(2 * Frames, runner.ConversionsToPlanar);
        Assert.Equal(2 * Frames, runner.ConversionsToInterleaved);
        AssertStageByStage(plan, sinks["pooled"], 3, "pooled");
        AssertStageByStage(plan, sinks["bytes"], 3, "bytes");
    }

    [Fact]
    public async Task TensorStagesAreHandedPlanarFrames_AndNothingElseIs()
    {
        // "probe" is a planar op of the test's own: it records the layout of every frame it is handed.
        var probes = new List<Probe>();
        var ops = new Dictionary<string, Func<StageSpec, IFrameFilter>>(TestFilters.Ops)
        {
            ["probe"] = s => { var p = new Probe(); lock (probes) probes.Add(p); return p; },
        };
        var plan = PipelinePlan.Build(Harness.Parse("""
        {
          "stages": [
            { "name": "a", "op": "probe", "input": "source" },
            { "name": "r", "op": "relu", "input": "a" },
            { "name": "b", "op": "probe", "input": "r" },
            { "name": "c", "op": "slow", "input": "b", "ms": 0 },
          ],
          "outputs": [ { "kind": "null", "stage": "c", "name": "out" } ],
        }
        """), new FrameFormat(W, H, 3, PixelDepth.U8), ops);
        Assert.Equal([FrameLayout.Planar, FrameLayout.Planar, FrameLayout.Interleaved, FrameLayout.Interleaved], plan.Stages.Select(s => s.OutputLayout));
        await Run(plan, 3);
        Assert.Equal(2, probes.Count);
        // The warm-up call and every frame: planar in, planar out.
        Assert.All(probes, p => Assert.Equal(Frames + 1, p.Seen.Count));
        Assert.All(probes.SelectMany(p => p.Seen), s => Assert.Equal((FrameLayout.Planar, FrameLayout.Planar), s));
    }

    [Fact]
    public async Task PlanSwapOnAPlanarStage_EveryFrameWhollyOldOrNew_LayoutsKept()
    {
        const int frames = 300;
        var plan = Harness.Plan("""
        {
          "stages": [
            { "name": "features", "op": "conv2d", "input": "source", "weights": "kernels/gray-to-2.json", "padding": "same" },
            { "name": "pooled", "op": "max-pool2d", "input": "features" },
            { "name": "up", "op": "conv-transpose2d", "input": "pooled", "weights": "kernels/up-2-to-1.json", "stride": 2 },
            { "name": "wait", "op": "slow", "input": "up", "ms": 3 },
          ],
          "outputs": [ { "kind": "null", "stage": "wait", "name": "out" } ],
          "schedule": { "mode": "offline", "capacity": 2 },
        }
        """, W, H, 1);
        var sink = new CaptureSink();
        var runner = new PipelineRunner(plan, new SyntheticSource(W, H, 1, frames: frames), new Dictionary<string, IVideoSink> { ["out"] = sink });
        var run = runner.RunAsync();
        while (Count(sink) < 10 && !run.IsCompleted) await Task.Delay(5);
        var now = await runner.UpdateStageAsync("features", new Dictionary<string, string> { ["flip"] = "true" });
        long readAfter = runner.FramesRead;
        await run;
        Assert.True(readAfter < frames, "the update landed after the source had ended");
        Assert.Equal("true", now.Values["flip"]);
        Assert.Equal(new FrameFormat(W, H, 2, PixelDepth.F32), now.Output);
        Assert.Equal(frames, sink.Frames.Count);
        Assert.Equal(frames, runner.ConversionsToPlanar);
        Assert.Equal(frames, runner.ConversionsToInterleaved);

        string Spec(bool flip) => $"conv2d:weights=kernels/gray-to-2.json,padding=same,flip={(flip ? "true" : "false")}";
        var pool = StageRegistry.Create("max-pool2d", Harness.Dir);
        var up = StageRegistry.Create("conv-transpose2d:weights=kernels/up-2-to-1.json,stride=2", Harness.Dir);
        var (before, after) = (StageRegistry.Create(Spec(false), Harness.Dir), StageRegistry.Create(Spec(true), Harness.Dir));
        long firstNew = -1;
        for (int i = 0; i < frames; i++)
        {
            var src = Harness.Source(W, H, i, 1);
            var pixels = sink.Frames[i].Pixels;
            bool isOld = pixels.AsSpan().SequenceEqual(Chained(src, before, pool, up));
            bool isNew = pixels.AsSpan().SequenceEqual(Chained(src, after, pool, up));
            Assert.True(isOld ^ isNew, $"frame {i} is {(isOld ? "both" : "neither")} the old keys' and the new keys' result");
            if (isNew && firstNew < 0) firstNew = i;
            if (isOld) Assert.True(firstNew < 0, $"frame {i} has the old keys after frame {firstNew} had the new ones");
        }
        Assert.InRange(firstNew, 1, readAfter);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Conv3dReadsPlanarWindows_EachInputFrameConvertedOnce(bool afterConv2d)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"layout-conv3d-{Environment.ProcessId}-{afterConv2d}");
        Directory.CreateDirectory(dir);
        try
        {
            // weights[Cout=2][Cin][KT=2][KH=1][KW=1] (Cin 1 on gray frames, 2 after gray-to-2), causal: frames i−1 and i.
            File.WriteAllText(Path.Combine(dir, "k1.json"), """{ "weights": [ [ [[[0.75]],[[-0.5]]] ], [ [[[0.25]],[[1]]] ] ], "bias": [10, -3] }""");
            File.WriteAllText(Path.Combine(dir, "k2.json"), """{ "weights": [ [ [[[0.75]],[[-0.5]]], [[[0.1]],[[0.2]]] ], [ [[[0.25]],[[1]]], [[[-1]],[[0.5]]] ] ], "bias": [10, -3] }""");
            string conv3d = $$"""{ "name": "c3", "op": "conv3d", "input": "{{(afterConv2d ? "features" : "source")}}", "weights": "{{Path.Combine(dir, afterConv2d ? "k2.json" : "k1.json").Replace("\\", "/")}}", "mode": "causal" }""";
            var plan = Harness.Plan($$"""
            {
              "stages": [
                {{(afterConv2d ? """{ "name": "features", "op": "conv2d", "input": "source", "weights": "kernels/gray-to-2.json", "padding": "same" },""" : "")}}
                {{conv3d}},
              ],
              "outputs": [ { "kind": "null", "stage": "c3", "name": "out" } ],
            }
            """, W, H, 1);
            var first = afterConv2d ? "features" : "c3";
            Assert.Equal([new LayoutConversion(first, "source", FrameLayout.Planar), new LayoutConversion("c3", null, FrameLayout.Interleaved)], plan.Conversions);

            var (runner, sinks) = await Run(plan, 1);
            // Once per frame as it enters the window, not once per window it is in.
            Assert.Equal(Frames, runner.ConversionsToPlanar);
            Assert.Equal(Frames, runner.ConversionsToInterleaved);

            var c3 = (ITemporalFilter)plan.Stages.Single(s => s.Name == "c3").Filter;
            var features = plan.Stages.FirstOrDefault(s => s.Name == "features")?.Filter;
            Frame Input(int i) { var f = Harness.Source(W, H, i, 1); return features is null ? f : Applied(features, [f]); }
            var captured = ((CaptureSink)sinks["out"]).Frames;
            Assert.Equal(Frames, captured.Count);
            for (int i = 0; i < Frames; i++)
            {
                var window = new[] { Input(Math.Max(0, i - 1)), Input(i) };   // replicate before the first frame
                var result = c3.OutputFormat([FrameFormat.Of(window[0])]).Allocate();
                c3.Apply(window, result);
                var shown = new Frame(W, H, 2);
                Outputs.DisplayConverter.Convert(result, shown);
                Assert.True(captured[i].Pixels.AsSpan().SequenceEqual(shown.ToPacked()), $"frame {i} differs from conv3d on its window of interleaved frames");
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    private static byte[] Chained(Frame src, params IFrameFilter[] filters)
    {
        var f = src;
        foreach (var filter in filters) f = Applied(filter, [f]);
        var shown = new Frame(f.Width, f.Height, f.Channels);
        Outputs.DisplayConverter.Convert(f, shown);
        return shown.ToPacked();
    }

    private static async Task<(PipelineRunner Runner, Dictionary<string, IVideoSink> Sinks)> Run(PipelinePlan plan, int channels)
    {
        var sinks = Harness.Capture(plan);
        var runner = new PipelineRunner(plan, new SyntheticSource(W, H, channels, frames: Frames), sinks);
        await runner.RunAsync();
        return (runner, sinks);
    }

    /// <summary>Each captured frame equals the plan's stages applied one by one to interleaved frames (every stage's own conversions), as its sink shows it.</summary>
    private static void AssertStageByStage(PipelinePlan plan, IVideoSink sink, int channels, string stage, PlannedOutput? mosaic = null)
    {
        var captured = ((CaptureSink)sink).Frames;
        Assert.Equal(Frames, captured.Count);
        for (int i = 0; i < Frames; i++)
        {
            var frames = new Dictionary<string, Frame> { ["source"] = Harness.Source(W, H, i, channels) };
            foreach (var s in plan.Stages)
                frames[s.Name] = Applied(s.Filter, s.Definition.Inputs.Select(n => frames[n]).ToArray());
            var shown = frames[stage];
            if (mosaic is not null)
            {
                shown = mosaic.Display.Allocate();
                new Outputs.MosaicComposer(mosaic.Inputs, mosaic.Display).Compose([frames[stage]], shown);
            }
            else if (shown.Depth != PixelDepth.U8)
            {
                var display = new Frame(shown.Width, shown.Height, shown.Channels);
                Outputs.DisplayConverter.Convert(shown, display);
                shown = display;
            }
            Assert.True(captured[i].Pixels.AsSpan().SequenceEqual(shown.ToPacked()), $"frame {i} of '{stage}' differs from its stages applied one by one");
        }
    }

    /// <summary>The filter on interleaved frames, into a new interleaved frame.</summary>
    private static Frame Applied(IFrameFilter filter, Frame[] inputs)
    {
        var output = filter.OutputFormat(inputs.Select(FrameFormat.Of).ToArray()).Allocate();
        filter.Apply(inputs, output);
        return output;
    }

    private static int Count(CaptureSink sink) { lock (sink.Frames) return sink.Frames.Count; }

    /// <summary>A planar op of the test's own: copies its input and records the layouts it was handed.</summary>
    private sealed class Probe : IFrameFilter
    {
        public List<(FrameLayout In, FrameLayout Out)> Seen { get; } = new();
        public string Op => "probe";
        public LayoutUse Layouts => LayoutUse.Planar;
        public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs) => inputs[0] with { Depth = PixelDepth.F32 };
        public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        {
            lock (Seen) Seen.Add((inputs[0].Layout, output.Layout));
            FrameConvert.ToTensor(inputs[0], output.Planes);
        }
    }
}
