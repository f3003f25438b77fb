using System.Text.Json;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Temporal;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;
using ConvStream.Engine.Simd;
using ConvStream.Pipeline.Runtime;
using ConvStream.Stages;

namespace ConvStream.Pipeline.Tests;

/// <summary>
/// The temporal stages against NumPy on real decoded frames (Fixtures/make_temporal_fixtures.py:
/// 8 frames of media/sample.mp4, decoded by ffmpeg), exactly: the filters alone at every SIMD
/// level on the windows the border rule gives, and whole offline pipelines, whose outputs must
/// also keep the input's frame count and timestamps; then live runs with gaps, the planning
/// errors, a clip shorter than its window, and the pool after every run.
/// </summary>
public class TemporalStageTests
{
    private const int W = 40, H = 24, C = 3, T = 8;
    private static string Folder => Path.Combine(Harness.Dir, "Fixtures", "temporal");

    private static readonly Lazy<byte[][]> Frames = new(() =>
    {
        var a = Npy.Read(Path.Combine(Folder, "frames.npy"));
        Assert.Equal(new[] { T, H, W, C }, a.Shape);
        int n = H * W * C;
        return Enumerable.Range(0, T).Select(t => a.Data.AsSpan(t * n, n).ToArray()).ToArray();
    });

    private sealed record Case(string Name, string Stage, string Dtype);

    private static Case[] Cases()
        => JsonSerializer.Deserialize<Case[]>(File.ReadAllText(Path.Combine(Folder, "cases.json")), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public static TheoryData<string> WindowCases() => new(Cases().Where(c => c.Stage.StartsWith('t')).Select(c => c.Name));

    private static Case Get(string name) => Cases().Single(c => c.Name == name);

    private static byte[] Expected(string name, int t)
    {
        var a = Npy.Read(Path.Combine(Folder, name + ".npy"));
        int n = a.Data.Length / T;
        return a.Data.AsSpan(t * n, n).ToArray();
    }

    private static Frame FrameOf(byte[] packed)
    {
        var f = new Frame(W, H, C);
        f.CopyFromPacked(packed);
        return f;
    }

    /// <summary>The window for frame t as the README states the rule: oldest first, frames outside the clip by the border rule.</summary>
    private static Frame[] Window(Frame[] clip, Frame black, int t, int past, int future, Engine.Geometry.BorderMode border)
        => Enumerable.Range(t - past, past + future + 1)
            .Select(i => i >= 0 && i < clip.Length ? clip[i] : border == Engine.Geometry.BorderMode.Zeros ? black : clip[Math.Clamp(i, 0, clip.Length - 1)])
            .ToArray();

    [Theory]
    [MemberData(nameof(WindowCases))]
    public void Filter_matches_numpy_at_every_simd_level(string name)
    {
        var c = Get(name);
        var clip = Frames.Value.Select(FrameOf).ToArray();
        var black = new Frame(W, H, C);
        black.Bytes.Clear();
        {
            foreach (var level in Engine.Simd.Simd.Supported)
            {
                var filter = (ITemporalFilter)StageRegistry.Create(c.Stage, settings: new ExecutionSettings { Level = level });
                var format = filter.OutputFormat([new FrameFormat(W, H, C, PixelDepth.U8)]);
                var (past, future) = TemporalModes.Footprint(filter.Span, filter.Mode, live: false);
                for (int t = 0; t < T; t++)
                {
                    var output = format.Allocate();
                    filter.Apply(Window(clip, black, t, past, future, filter.TimeBorder), output);
                    Assert.True(Expected(name, t).AsSpan().SequenceEqual(output.ToPacked()), $"{name} ({c.Stage}) frame {t} at {level} differs from NumPy");
                }
            }
        }
    }

    [Fact]
    public void RunningAverage_matches_numpy_float32_bit_for_bit_at_every_simd_level()
    {
        {
            foreach (var level in Engine.Simd.Simd.Supported)
            {
                var filter = (ITemporalFilter)StageRegistry.Create("running-average:alpha=0.25", settings: new ExecutionSettings { Level = level });
                var output = new Frame(W, H, C, PixelDepth.F32);
                for (int t = 0; t < T; t++)
                {
                    filter.Apply([FrameOf(Frames.Value[t])], output);
                    Assert.True(Expected("running_average", t).AsSpan().SequenceEqual(output.ToPacked()), $"background after frame {t} at {level} differs from NumPy's float32");
                }
                filter.Restart();
                filter.Apply([FrameOf(Frames.Value[3])], output);
                Assert.True(FrameOf(Frames.Value[3]).ToPacked().Select(b => (float)b).SequenceEqual(ToFloats(output.ToPacked())), "after Restart the background is the next frame itself");
            }
        }
    }

    private static float[] ToFloats(byte[] packed) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(packed).ToArray();

    private static string StageJson(string name, string spec, string input = "\"source\"")
    {
        var parsed = StageSpec.Parse(spec);
        var keys = string.Concat(parsed.Keys.Select(k => $", \"{k.Key}\": \"{k.Value}\""));
        return $"{{ \"name\": \"{name}\", \"op\": \"{parsed.Op}\", \"input\": {input}{keys} }}";
    }

    private static async Task<(CaptureSink Sink, PipelineRunner Runner)> RunAsync(string stages, string shown, FixtureSource source, string schedule = "\"mode\": \"offline\"")
    {
        string json = $$"""{ "stages": [ {{stages}} ], "outputs": [ { "kind": "null", "stage": "{{shown}}", "name": "out" } ], "schedule": { {{schedule}} } }""";
        var plan = Harness.Plan(json, W, H, C);
        var sink = new CaptureSink();
        var runner = new PipelineRunner(plan, source, new Dictionary<string, Video.IVideoSink> { ["out"] = sink });
        await runner.RunAsync();
        Assert.True(runner.Pool.AllReturned, "every pooled frame is back in the pool after the run");
        return (sink, runner);
    }

    [Theory]
    [MemberData(nameof(WindowCases))]
    public async Task Offline_pipeline_matches_numpy_and_keeps_every_frame_and_timestamp(string name)
    {
        var c = Get(name);
        var (sink, _) = await RunAsync(StageJson("t", c.Stage, "\"source\""), "t", new FixtureSource(Frames.Value, W, H, C));
        Assert.Equal(T, sink.Frames.Count);
        for (int t = 0; t < T; t++)
        {
            var (stamp, pixels) = sink.Frames[t];
            Assert.Equal(t, stamp.Index);
            Assert.Equal(FixtureSource.Pts(t), stamp.Pts);
            // Outputs receive 8-bit frames: a signed difference is shown by its absolute value.
            var expected = c.Dtype == "int16"
                ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(Expected(name, t)).ToArray().Select(v => (byte)Math.Min(255, Math.Abs((int)v))).ToArray()
                : Expected(name, t);
            Assert.True(expected.AsSpan().SequenceEqual(pixels), $"{name}: output {t} differs from NumPy");
        }
    }

    [Fact]
    public async Task Foreground_of_a_running_average_matches_numpy()
    {
        string stages = StageJson("bg", "running-average:alpha=0.25", "\"source\"") + ", " + StageJson("fg", "foreground:threshold=10", "[\"source\", \"bg\"]");
        var (sink, _) = await RunAsync(stages, "fg", new FixtureSource(Frames.Value, W, H, C));
        Assert.Equal(T, sink.Frames.Count);
        for (int t = 0; t < T; t++) Assert.True(Expected("foreground", t).AsSpan().SequenceEqual(sink.Frames[t].Pixels), $"foreground mask {t} differs from NumPy");
        Assert.Contains(Expected("foreground", 5), b => b == 255); // the mask is not trivially empty
    }

    [Fact]
    public async Task A_clip_shorter_than_the_window_works_by_the_border_rule_and_says_so()
    {
        var three = Frames.Value.Take(3).ToArray();
        var (sink, runner) = await RunAsync(StageJson("avg", "tmix:weights=1;1;1;1;1;1;1;1;1;1;1,mode=centred"), "avg", new FixtureSource(three, W, H, C));
        Assert.Equal(3, sink.Frames.Count);
        for (int t = 0; t < 3; t++)
        {
            // Window of 11 around t over 3 frames, replicated: frame 0 counts 6 - t times, frame 2 counts 4 + t times, frame 1 once.
            var f = three.Select(x => x.Select(b => (double)b).ToArray()).ToArray();
            var expected = f[0].Select((_, k) => (byte)Math.Clamp(Math.Round(((6 - t) * f[0][k] + f[1][k] + (4 + t) * f[2][k]) / 11, MidpointRounding.ToEven), 0, 255)).ToArray();
            Assert.True(expected.AsSpan().SequenceEqual(sink.Frames[t].Pixels), $"output {t}");
        }
        var note = Assert.Single(runner.Notes);
        Assert.Contains("stage 'avg'", note);
        Assert.Contains("3 frame(s) in a row, fewer than the 11 of its window", note);
        Assert.Contains("replicate rule", note);
    }

    [Fact]
    public async Task Live_causal_stages_restart_their_window_at_a_dropped_frame()
    {
        // A live source that dropped frames 3 and 4: the stages see indices 0 1 2 5 6 7.
        long[] indices = [0, 1, 2, 5, 6, 7];
        var frames = indices.Select(i => Frames.Value[i]).ToArray();
        string stages = StageJson("d", "tdiff") + ", " + StageJson("m", "tmix:weights=1;1;1");   // mode auto: causal live
        string json = $$"""{ "stages": [ {{stages}} ], "outputs": [ { "kind": "null", "stage": "d", "name": "d" }, { "kind": "null", "stage": "m", "name": "m" } ], "schedule": { "mode": "live" } }""";
        var plan = Harness.Plan(json, W, H, C);
        var sinks = Harness.Capture(plan);
        var runner = new PipelineRunner(plan, new FixtureSource(frames, W, H, C, indices, paceMs: 15, live: true), sinks);
        await runner.RunAsync();
        Assert.True(runner.Pool.AllReturned);

        foreach (var (node, sink) in sinks.Select(kv => (kv.Key, (CaptureSink)kv.Value)))
        {
            // Whatever else a loaded machine dropped on top, each output must follow the rule on the frames that arrived.
            var got = sink.Frames.Select(f => f.Stamp.Index).ToArray();
            Assert.True(got.Length >= 2, $"{node}: only {got.Length} frames arrived");
            Assert.Equal(got.Order(), got);
            for (int k = 0; k < got.Length; k++)
            {
                long i = got[k];
                var current = Frames.Value[i];
                // The frames before i in its run of consecutive indices (a gap starts a new run).
                var run = new List<byte[]> { current };
                for (int j = k - 1; j >= 0 && got[j] == got[j + 1] - 1 && run.Count < 3; j--) run.Insert(0, Frames.Value[got[j]]);
                while (run.Count < 3) run.Insert(0, run[0]);   // replicate
                byte[] expected = node == "d"
                    ? current.Select((b, x) => (byte)Math.Abs(b - run[1][x])).ToArray()
                    : current.Select((_, x) => (byte)Math.Round((run[0][x] + run[1][x] + (double)run[2][x]) / 3, MidpointRounding.ToEven)).ToArray();
                Assert.True(expected.AsSpan().SequenceEqual(sink.Frames[k].Pixels), $"{node}: output for frame {i} (after {string.Join(",", got.Take(k))})");
            }
        }
        // The frame after the gap: its difference is 0 (compared with itself), not frame 5 − frame 2.
        var d = (CaptureSink)sinks["d"];
        int at5 = d.Frames.FindIndex(f => f.Stamp.Index == 5);
        if (at5 >= 0) Assert.All(d.Frames[at5].Pixels, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task RunningAverage_keeps_its_background_across_a_dropped_frame()
    {
        long[] indices = [0, 1, 4, 5];
        var frames = indices.Select(i => Frames.Value[i]).ToArray();
        var (sink, _) = await RunAsync(StageJson("bg", "running-average:alpha=0.25") + ", " + StageJson("fg", "foreground:threshold=10", "[\"source\", \"bg\"]"),
            // Live, but with queues that wait: the gap is the source's (frames 2 and 3 never came), and a loaded
            // machine cannot drop a frame between the stages, which would change the background this test computes.
            "fg", new FixtureSource(frames, W, H, C, indices, paceMs: 15, live: true), "\"mode\": \"live\", \"capacity\": 8, \"drop\": \"wait\"");
        float a = 0.25f;
        var bg = Frames.Value[0].Select(b => (float)b).ToArray();
        var got = sink.Frames.Select(f => f.Stamp.Index).ToArray();
        int k = 0;
        foreach (long i in indices)
        {
            var f = Frames.Value[i];
            if (i > 0) for (int x = 0; x < bg.Length; x++) bg[x] = bg[x] + a * (f[x] - bg[x]);
            if (k >= got.Length || got[k] != i) continue;   // not delivered (a loaded machine): nothing to check for it
            var mask = new byte[W * H];
            for (int p = 0; p < W * H; p++)
                mask[p] = Enumerable.Range(0, C).Any(ch => MathF.Abs(f[p * C + ch] - bg[p * C + ch]) > 10f) ? (byte)255 : (byte)0;
            Assert.True(mask.AsSpan().SequenceEqual(sink.Frames[k].Pixels), $"mask of frame {i}");
            k++;
        }
        Assert.True(k >= 2, "too few frames arrived to check anything");
    }

    [Fact]
    public void A_centred_stage_in_a_live_pipeline_is_refused_naming_the_stage_and_the_fix()
    {
        string json = $$"""{ "stages": [ {{StageJson("smooth", "tmix:weights=1;2;1,mode=centred")}} ], "outputs": [ { "kind": "null", "stage": "smooth" } ], "schedule": { "mode": "live" } }""";
        var e = Assert.Throws<ConvStreamException>(() => Harness.Plan(json, W, H, C));
        Assert.Contains("stage 'smooth'", e.Message);
        Assert.Contains("centred", e.Message);
        Assert.Contains("mode=causal", e.Message);
        // The same file offline plans, and mode=auto plans live (as a causal window).
        Harness.Plan(json.Replace("\"live\"", "\"offline\""), W, H, C);
        Harness.Plan(json.Replace(",mode=centred", "").Replace(", \"mode\": \"centred\"", ""), W, H, C);
    }

    [Theory]
    [InlineData("tmix:weights=1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1", "32 weights; a window holds at most 31 frames")]
    [InlineData("tmix:weights=1;-1", "the weights sum to 0")]
    [InlineData("tmix:weights=1;x;1", "must be numbers separated by ';'")]
    [InlineData("tmix:weights=1;2;1,mode=sideways", "key 'mode' must be one of auto, causal, centred")]
    [InlineData("tmix:weights=1;2;1,time-border=reflect", "key 'time-border' must be one of replicate, zeros")]
    [InlineData("tdiff:abs=false,threshold=3", "cannot be combined with abs=false")]
    [InlineData("tdiff:threshold=300", "key 'threshold' must be 0..255")]
    [InlineData("running-average", "needs key 'alpha'")]
    [InlineData("running-average:alpha=1.5", "key 'alpha' must be in (0, 1]")]
    public void Bad_keys_are_refused_with_one_clear_message(string spec, string message)
    {
        string json = $$"""{ "stages": [ {{StageJson("s", spec)}} ], "outputs": [ { "kind": "null", "stage": "s" } ] }""";
        var e = Assert.Throws<ConvStreamException>(() => Harness.Plan(json, W, H, C));
        Assert.Contains("stage 's'", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Foreground_needs_the_frame_and_its_background()
    {
        string json = $$"""{ "stages": [ {{StageJson("d", "tdiff")}}, {{StageJson("fg", "foreground", "[\"source\", \"d\"]")}} ], "outputs": [ { "kind": "null", "stage": "fg" } ] }""";
        var e = Assert.Throws<ConvStreamException>(() => Harness.Plan(json, W, H, C));
        Assert.Contains("stage 'fg'", e.Message);
        Assert.Contains("must be the frame's f32 background (a running-average stage", e.Message);
    }

    [Theory]
    [InlineData("centred", "replicate", 1)]
    [InlineData("causal", "zeros", 2)]
    public async Task Conv3d_stage_equals_the_engine_reference_on_the_whole_clip(string mode, string timeBorder, int front)
    {
        // Streaming conv3d with a 3-frame window = conv3d of the whole (C,T,H,W) clip padded in time by the same rule.
        var rng = new Random(16);
        var weight = new Engine.Tensors.Tensor(Enumerable.Range(0, 2 * 3 * 3 * 3 * 3).Select(_ => (float)(rng.NextDouble() - 0.5) / 20).ToArray(), 2, 3, 3, 3, 3);
        string path = Path.Combine(Path.GetTempPath(), $"conv3d-{Environment.ProcessId}-{mode}.npy");
        Npy.Write(path, weight);
        try
        {
            var clip = new Engine.Tensors.Tensor(new float[C * T * H * W], C, T, H, W);
            for (int t = 0; t < T; t++)
                for (int p = 0; p < H * W; p++)
                    for (int ch = 0; ch < C; ch++) clip.Data[((ch * T) + t) * H * W + p] = Frames.Value[t][p * C + ch];
            var options = new Engine.Ops.Conv3dOptions
            {
                Padding = Engine.Geometry.Padding3.Explicit(front, 2 - front, 1, 1, 1, 1),
                Border = Engine.Geometry.BorderMode.Reflect,
                TemporalBorder = timeBorder == "zeros" ? Engine.Geometry.BorderMode.Zeros : Engine.Geometry.BorderMode.Replicate,
            };
            var expected = Engine.Ops.Conv3dReference.Forward(clip, weight, null, options);   // (2, T, H, W)
            string spec = $"conv3d:weights={path},padding=same,border=reflect,mode={mode},time-border={timeBorder}";

            var stage = (ITemporalFilter)StageRegistry.Create(spec);
            var format = stage.OutputFormat([new FrameFormat(W, H, C, PixelDepth.U8)]);
            Assert.Equal(new FrameFormat(W, H, 2, PixelDepth.F32), format);
            var (past, future) = TemporalModes.Footprint(stage.Span, stage.Mode, live: false);
            Assert.Equal((front, 2 - front), (past, future));   // the frames before and after = the clip's padding in time
            var frames = Frames.Value.Select(FrameOf).ToArray();
            var black = new Frame(W, H, C);
            black.Bytes.Clear();
            var output = format.Allocate();
            for (int t = 0; t < T; t++)
            {
                stage.Apply(Window(frames, black, t, past, future, stage.TimeBorder), output);
                var got = ToFloats(output.ToPacked());
                for (int p = 0; p < H * W; p++)
                    for (int co = 0; co < 2; co++)
                    {
                        float e = expected.Data[(co * T + t) * H * W + p], a = got[p * 2 + co];
                        Assert.True(Math.Abs(a - e) <= 1e-4 + 1e-5 * Math.Abs(e), $"frame {t} pixel {p} channel {co}: {a} vs reference {e}");
                    }
            }

            // The same stage in a whole offline pipeline: one output per input frame, in order.
            var (sink, _) = await RunAsync(StageJson("c3", spec) + ", " + StageJson("u8", "normalize:mode=scale,scale=1,offset=128", "\"c3\""), "u8", new FixtureSource(Frames.Value, W, H, C));
            Assert.Equal(T, sink.Frames.Count);
            Assert.Equal(Enumerable.Range(0, T).Select(i => (long)i), sink.Frames.Select(f => f.Stamp.Index));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task A_swapped_plan_with_a_longer_window_takes_over_without_losing_a_frame()
    {
        // tmix 1;2;1 centred, swapped mid-run for 1;1;1;1;1 centred: the old window is flushed
        // (its last frame completed by the border rule), the new one starts at the next frame.
        const int n = 120;
        var clip = Enumerable.Range(0, n).Select(i => Frames.Value[i % T]).ToArray();
        string json = $$"""{ "stages": [ {{StageJson("t", "tmix:weights=1;2;1,mode=centred")}}, {{StageJson("wait", "slow:ms=8", "\"t\"")}} ], "outputs": [ { "kind": "null", "stage": "wait", "name": "out" } ], "schedule": { "mode": "offline", "capacity": 2 } }""";
        var plan = Harness.Plan(json, W, H, C);
        var sink = new CaptureSink();
        var runner = new PipelineRunner(plan, new FixtureSource(clip, W, H, C), new Dictionary<string, Video.IVideoSink> { ["out"] = sink });
        var run = runner.RunAsync();
        while (sink.Frames.Count < 10 && !run.IsCompleted) await Task.Delay(2);
        await runner.UpdateStageAsync("t", new Dictionary<string, string> { ["weights"] = "1;1;1;1;1" });
        await run;
        Assert.True(runner.Pool.AllReturned);
        Assert.Equal(Enumerable.Range(0, n).Select(i => (long)i), sink.Frames.Select(f => f.Stamp.Index));

        // Each output is the old rule (on the old segment) or the new one (on the new segment): the first
        // output that differs from the old rule over the whole clip is the old segment's flushed last frame.
        byte[] Mix(int[] w, int t, int first, int last)
        {
            int past = w.Length - 1 - (w.Length - 1) / 2;
            return clip[t].Select((_, x) => (byte)Math.Clamp(Math.Round(
                w.Select((wi, i) => wi * (double)clip[Math.Clamp(t - past + i, first, last)][x]).Sum() / w.Sum(), MidpointRounding.ToEven), 0, 255)).ToArray();
        }
        // The slow stage (8 ms a frame, ≈ 1 s for the clip) leaves the swap, asked for at frame 10, time to land.
        int switchAt = Enumerable.Range(1, n - 1).FirstOrDefault(t => !sink.Frames[t].Pixels.AsSpan().SequenceEqual(Mix([1, 2, 1], t, 0, n - 1)), n);
        Assert.True(switchAt < n - 5, $"the swap landed at frame {switchAt}, too late to test");
        for (int t = 0; t < n; t++)
        {
            byte[] expected = t < switchAt ? Mix([1, 2, 1], t, 0, n - 1)
                : t == switchAt ? Mix([1, 2, 1], t, 0, t)              // the old segment's last frame: its future by the border rule
                : Mix([1, 1, 1, 1, 1], t, switchAt + 1, n - 1);        // the new segment starts at the frame after
            Assert.True(expected.AsSpan().SequenceEqual(sink.Frames[t].Pixels), $"frame {t} (swap at {switchAt})");
        }
    }

    [Fact]
    public void Conv3d_kernel_files_are_checked_when_planned()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"conv3d-kernels-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            // weights[Cout=1][Cin=3][KT=2][KH=1][KW=1]: the mean of the two frames' channel sum.
            File.WriteAllText(Path.Combine(dir, "k5.json"), """{ "weights": [[ [[[0.5]],[[0.5]]], [[[0.5]],[[0.5]]], [[[0.5]],[[0.5]]] ]], "bias": [1] }""");
            File.WriteAllText(Path.Combine(dir, "k4.json"), """{ "weights": [[ [[0.5]], [[0.5]], [[0.5]] ]] }""");
            string Json(string file) => $$"""{ "stages": [ {{StageJson("c3", $"conv3d:weights={Path.Combine(dir, file)},mode=causal")}} ], "outputs": [ { "kind": "null", "stage": "c3" } ] }""";

            var plan = Harness.Plan(Json("k5.json"), W, H, C);
            var stage = (ITemporalFilter)plan.Stages[0].Filter;
            Assert.Equal(2, stage.Span);
            Assert.Equal(new FrameFormat(W, H, 1, PixelDepth.F32), plan.Stages[0].Output);
            var output = plan.Stages[0].Output.Allocate();
            stage.Apply([FrameOf(Frames.Value[0]), FrameOf(Frames.Value[1])], output);
            var got = ToFloats(output.ToPacked());
            for (int p = 0; p < W * H; p++)
            {
                float e = 1 + 0.5f * Enumerable.Range(0, C).Sum(c => Frames.Value[0][p * C + c] + Frames.Value[1][p * C + c]);
                Assert.True(Math.Abs(got[p] - e) < 1e-3, $"pixel {p}: {got[p]} vs {e}");
            }

            var wrongDepth = Assert.Throws<ConvStreamException>(() => Harness.Plan(Json("k5.json"), W, H, 1));
            Assert.Contains("stage 'c3': kernel depth 3 (k5.json: (1,3,2,1,1)) ≠ the 1 channel(s) the stage receives", wrongDepth.Message);
            var wrongRank = Assert.Throws<ConvStreamException>(() => Harness.Plan(Json("k4.json"), W, H, C));
            Assert.Contains("k4.json: conv3d needs weights nested 5 deep (out channels, in channels, frames, height, width) but they are nested 4 deep", wrongRank.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
