using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Synthetic;
using ConvStream.Pipeline.Video;

namespace ConvStream.Pipeline.Tests;

/// <summary>
/// Two pipelines with different <see cref="ExecutionSettings"/> (scalar on one thread, the widest
/// SIMD level on two) run at the same time in one process, and each gives, byte for byte, what it
/// gives when it runs alone: no engine setting is process-wide.
/// </summary>
public class ConcurrentPipelinesTests
{
    private const int W = 160, H = 120, Frames = 24;

    private static string Graph(int threads) => $$"""
    {
      "stages": [
        { "name": "blur", "op": "gaussian", "input": "source", "size": 5, "sigma": 0 },
        { "name": "edges", "op": "sobel-magnitude", "input": "source" },
        { "name": "emboss", "op": "conv", "input": "source", "kernel": "{{Kernel("emboss.json")}}" },
        { "name": "pooled", "op": "maxpool", "input": "source", "size": 2 },
        { "name": "features", "op": "conv2d", "input": "source", "weights": "{{Kernel("cnn/features.json")}}", "padding": "same", "border": "reflect" },
        { "name": "relu", "op": "relu", "input": "features" },
        { "name": "fpool", "op": "max-pool2d", "input": "relu", "kernel": 2 },
        { "name": "back", "op": "conv-transpose2d", "input": "fpool", "weights": "{{Kernel("cnn/reconstruct.json")}}", "stride": 2 },
        { "name": "picture", "op": "to-u8", "input": "back" },
      ],
      "outputs": [
        { "kind": "null", "stage": "blur", "name": "blur" },
        { "kind": "null", "stage": "edges", "name": "edges" },
        { "kind": "null", "stage": "emboss", "name": "emboss" },
        { "kind": "null", "stage": "pooled", "name": "pooled" },
        { "kind": "null", "stage": "picture", "name": "picture" },
      ],
      "schedule": { "mode": "offline", "threads": {{threads}} },
    }
    """;

    [Fact]
    public async Task TwoPipelinesWithDifferentSettingsGiveTheirOwnBytesSideBySide()
    {
        var scalar = Plan(Graph(threads: 1), new ExecutionSettings { Level = SimdLevel.Scalar });
        var widest = Plan(Graph(threads: 2), new ExecutionSettings { Level = Simd.Hardware });
        Assert.Equal((SimdLevel.Scalar, 1), (scalar.Settings.Level, scalar.Settings.Threads));
        Assert.Equal((Simd.Hardware, 2), (widest.Settings.Level, widest.Settings.Threads));

        var scalarAlone = await Run(scalar);
        var widestAlone = await Run(widest);
        for (int round = 0; round < 2; round++)
        {
            var both = await Task.WhenAll(Task.Run(() => Run(scalar)), Task.Run(() => Run(widest)));
            AssertSame(scalarAlone, both[0], $"scalar pipeline, round {round}");
            AssertSame(widestAlone, both[1], $"{Simd.Hardware} pipeline, round {round}");
        }
    }

    private static PipelinePlan Plan(string json, ExecutionSettings settings)
        => PipelinePlan.Build(Harness.Parse(json), new FrameFormat(W, H, 3, PixelDepth.U8), TestFilters.Ops, settings);

    private static async Task<Dictionary<string, List<(Video.FrameStamp Stamp, byte[] Pixels)>>> Run(PipelinePlan plan)
    {
        var sinks = plan.Outputs.ToDictionary(o => o.Name, _ => new CaptureSink());
        var runner = new PipelineRunner(plan, new SyntheticSource(W, H, frames: Frames), sinks.ToDictionary(s => s.Key, s => (IVideoSink)s.Value));
        await runner.RunAsync();
        return sinks.ToDictionary(s => s.Key, s => s.Value.Frames);
    }

    private static void AssertSame(Dictionary<string, List<(FrameStamp Stamp, byte[] Pixels)>> alone, Dictionary<string, List<(FrameStamp Stamp, byte[] Pixels)>> together, string what)
    {
        foreach (var (output, frames) in alone)
        {
            Assert.Equal(Frames, frames.Count);
            Assert.Equal(frames.Count, together[output].Count);
            for (int i = 0; i < frames.Count; i++)
                Assert.True(frames[i].Pixels.AsSpan().SequenceEqual(together[output][i].Pixels), $"{what}: output '{output}' frame {i} differs from the run alone");
        }
    }

    private static string Kernel(string name) => Path.Combine(RepoRoot.Value, "filters", "kernels", name);

    private static readonly Lazy<string> RepoRoot = new(() =>
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ConvStream.sln"))) return d.FullName;
        throw new InvalidOperationException("ConvStream.sln not found above " + AppContext.BaseDirectory);
    });
}
