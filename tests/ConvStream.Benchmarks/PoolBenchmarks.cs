using BenchmarkDotNet.Attributes;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Benchmarks;

/// <summary>
/// Max and average pooling 2×2 stride 2 of a 1080p, 16-channel float32 frame into a preallocated
/// output: the same work as <c>F.max_pool2d(x16, 2, 2)</c> / <c>F.avg_pool2d(x16, 2, 2)</c> in
/// ../shared/bench/torch_bench.py (input (1,16,1080,1920), cache-warm, same frame every call).
/// Memory bound: 133 MB read + 33 MB written per call.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
[MinColumn, MedianColumn]
public class PoolBenchmarks
{
    [Params(1, 2)]
    public int ThreadCount { get; set; }

    private Tensor _input = null!, _output = null!;
    private readonly Pool2dOptions _options = new() { Kernel = 2 };

    private ExecutionSettings _settings = ExecutionSettings.Default;

    [GlobalSetup]
    public void Setup()
    {
        _settings = new ExecutionSettings { Threads = ThreadCount };
        var rng = new Random(0);
        _input = Tensor.Zeros(1, 16, 1080, 1920);
        for (int i = 0; i < _input.Length; i++) _input.Data[i] = (float)rng.NextDouble();
        _output = Tensor.Zeros(1, 16, 540, 960);
    }

    [Benchmark(Description = "max_pool2d 2x2 s2, (1,16,1080,1920) f32")]
    public void MaxPool2x2() => Pool2d.Max(_input, _options, _output, _settings);

    [Benchmark(Description = "avg_pool2d 2x2 s2, (1,16,1080,1920) f32")]
    public void AvgPool2x2() => Pool2d.Average(_input, _options, _output, _settings);
}
