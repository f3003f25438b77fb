using System.Diagnostics;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Tensors;
using ConvStream.Pipeline.Runtime;
using ConvStream.Stages;
using ConvStream.Stages.Tensors;
using ConvStream.Pipeline.Synthetic;

namespace ConvStream.Pipeline.Tests;

public class RuntimeTests
{
    private const string Graph = """
    {
      "stages": [
        { "name": "bright", "op": "add", "input": "source", "value": 40 },
        { "name": "gray", "op": "test-gray", "input": "bright" },
        { "name": "small", "op": "half", "input": "source" },
        { "name": "both", "op": "sum2", "input": ["bright", "source"] },
        { "name": "features", "op": "conv2d", "input": "gray", "weights": "kernels/gray-to-2.json", "padding": "same", "border": "reflect" },
        { "name": "pooled", "op": "max-pool2d", "input": "features", "kernel": 2 },
        { "name": "back", "op": "conv-transpose2d", "input": "pooled", "weights": "kernels/up-2-to-1.json", "stride": 2 },
        { "name": "shown", "op": "to-u8", "input": "back" },
      ],
      "outputs": [
        { "kind": "null", "stage": "gray", "name": "gray" },
        { "kind": "null", "stage": "small", "name": "small" },
        { "kind": "null", "stage": "both", "name": "both" },
        { "kind": "null", "stage": "shown", "name": "shown" },
      ],
    }
    """;

    [Fact]
    public async Task GraphOutputsEqualTheOpsAppliedByHand()
    {
        var plan = Harness.Plan(Graph, 32, 24);
        var sinks = Harness.Capture(plan);
        var runner = new PipelineRunner(plan, new SyntheticSource(32, 24, frames: 6), sinks);
        var summary = await runner.RunAsync();
        Assert.Equal(6, summary.FramesRead);

        var w1 = KernelFile.Load(Path.Combine(Harness.Dir, "kernels/gray-to-2.json")).ToTensors("conv2d");
        var w2 = KernelFile.Load(Path.Combine(Harness.Dir, "kernels/up-2-to-1.json")).ToTensors("conv-transpose2d");
        for (int i = 0; i < 6; i++)
        {
            var src = Harness.Source(32, 24, i);
            var bright = Map(src, 3, (x, y, c) => Math.Min(255, src.Row<byte>(y)[x * 3 + c] + 40));
            var gray = Map(bright, 1, (x, y, _) =>
            {
                var r = bright.Row<byte>(y);
                return (9798 * r[3 * x + 2] + 19235 * r[3 * x + 1] + 3735 * r[3 * x] + (1 << 14)) >> 15;
            });
            var small = new Frame(16, 12, 3);
            for (int y = 0; y < 12; y++)
                for (int x = 0; x < 16; x++)
                    for (int c = 0; c < 3; c++)
                        small.Row<byte>(y)[x * 3 + c] = (byte)((src.Row<byte>(2 * y)[6 * x + c] + src.Row<byte>(2 * y)[6 * x + 3 + c]
                            + src.Row<byte>(2 * y + 1)[6 * x + c] + src.Row<byte>(2 * y + 1)[6 * x + 3 + c] + 2) >> 2);
            var both = Map(src, 3, (x, y, c) => Math.Min(255, bright.Row<byte>(y)[x * 3 + c] + src.Row<byte>(y)[x * 3 + c]));

            // The tensor branch through the engine's reference ops on a (C,H,W) tensor built here.
            var t = new Tensor(new float[24 * 32], 1, 24, 32);
            for (int y = 0; y < 24; y++) for (int x = 0; x < 32; x++) t[0, y, x] = gray.Row<byte>(y)[x];
            var f = Conv2dReference.Forward(t, w1.Weights, w1.Bias, new Conv2dOptions { Padding = ConvStream.Engine.Geometry.Padding.Same, Border = ConvStream.Engine.Geometry.BorderMode.Reflect });
            var p = Pool2dReference.MaxPool(f, new Pool2dOptions { Kernel = 2 });
            var b = ConvTranspose2dReference.Forward(p, w2.Weights, null, new ConvTranspose2dOptions { Stride = 2 });
            var shown = new byte[b.Length];
            for (int k = 0; k < b.Length; k++) shown[k] = (byte)Math.Clamp(MathF.Round(b.Data[k], MidpointRounding.ToEven), 0, 255);

            AssertFrame(sinks["gray"], i, gray.ToPacked());
            AssertFrame(sinks["small"], i, small.ToPacked());
            AssertFrame(sinks["both"], i, both.ToPacked());
            AssertFrame(sinks["shown"], i, shown);
        }
        Assert.True(runner.Pool.AllReturned);
    }

    private static void AssertFrame(Video.IVideoSink sink, int index, byte[] expected)
    {
        var (stamp, pixels) = ((CaptureSink)sink).Frames[index];
        Assert.Equal(index, stamp.Index);
        Assert.Equal(expected, pixels);
    }

    private static Frame Map(Frame like, int channels, Func<int, int, int, int> value)
    {
        var f = new Frame(like.Width, like.Height, channels);
        for (int y = 0; y < f.Height; y++)
            for (int x = 0; x < f.Width; x++)
                for (int c = 0; c < channels; c++) f.Row<byte>(y)[x * channels + c] = (byte)value(x, y, c);
        return f;
    }
}
