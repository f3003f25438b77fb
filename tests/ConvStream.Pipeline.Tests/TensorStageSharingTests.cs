using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Filters.Temporal;
using ConvStream.Stages;

namespace ConvStream.Pipeline.Tests;

/// <summary>
/// Tensor stages hold no lock and no scratch shared between calls: a library user may share one
/// stage across threads. Each stage here runs on several threads at once, with interleaved frames
/// (the stage converts through planar frames taken from its scratch slot) and with planar frames
/// (nothing converted), and every result must equal the stage's result on one thread.
/// </summary>
public class TensorStageSharingTests
{
    private const int W = 40, H = 30, Inputs = 6, Threads = 4, Calls = 40;

    public static TheoryData<string, int> Stages => new()
    {
        { "conv2d:weights=kernels/rgb-to-4.json,padding=same", 3 },
        { "conv:kernel=kernels/rgb-to-4.json,depth=u8", 3 },          // multi-channel conv through conv2d's engine, saturated to u8
        { "max-pool2d:kernel=3,stride=2", 3 },
        { "conv-transpose2d:weights=kernels/up-2-to-1.json,stride=2", 2 },
        { "relu", 3 },
    };

    [Theory]
    [MemberData(nameof(Stages))]
    public void SharedAcrossThreads_EveryCallGivesTheOneThreadResult(string spec, int channels)
    {
        var stage = StageRegistry.Create(spec, Harness.Dir);
        var inputs = Enumerable.Range(0, Inputs).Select(i => Input(i, channels)).ToArray();
        var format = stage.OutputFormat([FrameFormat.Of(inputs[0])]);
        var expected = inputs.Select(f => { var o = format.Allocate(); stage.Apply([f], o); return o.ToPacked(); }).ToArray();

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var output = format.Allocate();
            for (int k = 0; k < Calls; k++)
            {
                int i = (t + k) % Inputs;
                stage.Apply([inputs[i]], output);
                if (!output.ToPacked().AsSpan().SequenceEqual(expected[i])) failures.Add($"thread {t}, call {k}, input {i}");
            }
        });
        Assert.Empty(failures);

        if (format.Depth != PixelDepth.F32) return;
        // Planar frames in and out, as the pipeline hands them: the same samples, nothing converted by the stage.
        var planarIn = FrameFormat.Of(inputs[0]).AsPlanar.Allocate();
        var planarOut = format.AsPlanar.Allocate();
        for (int i = 0; i < Inputs; i++)
        {
            FrameConvert.ToTensor(inputs[i], planarIn.Planes);
            stage.Apply([planarIn], planarOut);
            var interleaved = format.Allocate();
            FrameConvert.FromTensor(planarOut.Planes, interleaved);
            Assert.True(interleaved.ToPacked().AsSpan().SequenceEqual(expected[i]), $"input {i}: planar frames give other samples");
        }
    }

    [Fact]
    public void Conv3dSharedAcrossThreads_EveryCallGivesTheOneThreadResult()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"conv3d-sharing-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            // weights[Cout=2][Cin=3][KT=2][KH=1][KW=2]
            File.WriteAllText(Path.Combine(dir, "k.json"), """{ "weights": [ [ [[[0.5, 0.25]],[[-0.5, 1]]], [[[0.1, 0.2]],[[0.3, 0.4]]], [[[1, 0]],[[0, -1]]] ], [ [[[0, 1]],[[1, 0]]], [[[0.5, 0.5]],[[0.5, 0.5]]], [[[-1, 1]],[[1, -1]]] ] ], "bias": [3, -2] }""");
            var stage = (ITemporalFilter)StageRegistry.Create($"conv3d:weights={Path.Combine(dir, "k.json")},mode=causal");
            var frames = Enumerable.Range(0, Inputs + 1).Select(i => Input(i, 3)).ToArray();
            var format = stage.OutputFormat([FrameFormat.Of(frames[0])]);
            var expected = Enumerable.Range(0, Inputs).Select(i => { var o = format.Allocate(); stage.Apply([frames[i], frames[i + 1]], o); return o.ToPacked(); }).ToArray();

            var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
            {
                var output = format.Allocate();
                for (int k = 0; k < Calls; k++)
                {
                    int i = (t + k) % Inputs;
                    stage.Apply([frames[i], frames[i + 1]], output);
                    if (!output.ToPacked().AsSpan().SequenceEqual(expected[i])) failures.Add($"thread {t}, call {k}, window {i}");
                }
            });
            Assert.Empty(failures);

            // Planar window frames and a planar output: the same samples.
            var planar = frames.Select(f => { var p = FrameFormat.Of(f).AsPlanar.Allocate(); FrameConvert.ToTensor(f, p.Planes); return p; }).ToArray();
            var planarOut = format.AsPlanar.Allocate();
            for (int i = 0; i < Inputs; i++)
            {
                stage.Apply([planar[i], planar[i + 1]], planarOut);
                var interleaved = format.Allocate();
                FrameConvert.FromTensor(planarOut.Planes, interleaved);
                Assert.True(interleaved.ToPacked().AsSpan().SequenceEqual(expected[i]), $"window {i}: planar frames give other samples");
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>A synthetic frame; two-channel inputs (for conv-transpose2d) are f32 made from the first two channels.</summary>
    private static Frame Input(int index, int channels)
    {
        var src = Harness.Source(W, H, index);
        if (channels == 3) return src;
        var f = new Frame(W, H, channels, PixelDepth.F32);
        for (int y = 0; y < H; y++)
        {
            var s = src.Row<byte>(y); var d = f.Row<float>(y);
            for (int x = 0; x < W; x++) for (int c = 0; c < channels; c++) d[x * channels + c] = s[x * 3 + c] - 100.5f;
        }
        return f;
    }
}
