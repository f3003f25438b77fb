using BenchmarkDotNet.Attributes;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Benchmarks;

/// <summary>
/// conv2d at 1920×1080 float32 (C,H,W), the same work as ../shared/bench/torch_bench.py:
/// 3→16 3×3 pad 1 with bias, 16→16 3×3 pad 1 with bias, depthwise 5×5 on 3 channels pad 2 with
/// bias, 1×1 3→16 with bias; zeros border, batch 1. Each call writes into a preallocated output
/// through a prepared <see cref="Conv2dPlan"/> (what a pipeline stage does every frame; torch with
/// jemalloc likewise reuses its output memory). Inputs uniform in [0,1), weights normal, as torch's.
/// Run: dotnet run -c Release --project tests/ConvStream.Benchmarks -- --filter *Conv2dBenchmarks* --job short
/// </summary>
[MemoryDiagnoser]
public class Conv2dBenchmarks
{
    private const int W = 1920, H = 1080;
    private Tensor _x3 = null!, _x16 = null!, _y16 = null!, _y3 = null!;
    private Conv2dPlan _conv3to16 = null!, _conv16to16 = null!, _depthwise5 = null!, _pointwise = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var settings = new Engine.Simd.ExecutionSettings { Threads = Threads };
        var rng = new Random(0);
        _x3 = Uniform(rng, 3, H, W);
        _x16 = Uniform(rng, 16, H, W);
        _y16 = Tensor.Zeros(16, H, W);
        _y3 = Tensor.Zeros(3, H, W);
        _conv3to16 = new Conv2dPlan(Normal(rng, 16, 3, 3, 3), Normal(rng, 16), new Conv2dOptions { Padding = 1 }, settings);
        _conv16to16 = new Conv2dPlan(Normal(rng, 16, 16, 3, 3), Normal(rng, 16), new Conv2dOptions { Padding = 1 }, settings);
        _depthwise5 = new Conv2dPlan(Normal(rng, 3, 1, 5, 5), Normal(rng, 3), new Conv2dOptions { Padding = 2, Groups = 3 }, settings);
        _pointwise = new Conv2dPlan(Normal(rng, 16, 3, 1, 1), Normal(rng, 16), new Conv2dOptions(), settings);
    }

    [Benchmark] public void Conv3To16_3x3() => _conv3to16.Forward(_x3, _y16);
    [Benchmark] public void Conv16To16_3x3() => _conv16to16.Forward(_x16, _y16);
    [Benchmark] public void Depthwise5x5_3ch() => _depthwise5.Forward(_x3, _y3);
    [Benchmark] public void Pointwise1x1_3To16() => _pointwise.Forward(_x3, _y16);

    private static Tensor Uniform(Random rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t[i] = rng.NextSingle();
        return t;
    }

    private static Tensor Normal(Random rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++)
            t[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return t;
    }
}
