using BenchmarkDotNet.Attributes;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Benchmarks;

/// <summary>
/// conv_transpose2d 16→3, kernel 2, stride 2, with bias: (1,16,540,960) → (1,3,1080,1920) into a
/// preallocated output, the same work as <c>F.conv_transpose2d(x16h, w_t, b3, stride=2)</c> in
/// ../shared/bench/torch_bench.py.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
[MinColumn, MedianColumn]
public class ConvTranspose2dBenchmarks
{
    [Params(1, 2)]
    public int ThreadCount { get; set; }

    private Tensor _input = null!, _weight = null!, _bias = null!, _output = null!;
    private readonly ConvTranspose2dOptions _options = new() { Stride = 2 };

    private ExecutionSettings _settings = ExecutionSettings.Default;

    [GlobalSetup]
    public void Setup()
    {
        _settings = new ExecutionSettings { Threads = ThreadCount };
        var rng = new Random(0);
        _input = Tensor.Zeros(1, 16, 540, 960);
        for (int i = 0; i < _input.Length; i++) _input.Data[i] = (float)rng.NextDouble();
        _weight = Tensor.Zeros(16, 3, 2, 2);
        for (int i = 0; i < _weight.Length; i++) _weight.Data[i] = (float)(rng.NextDouble() * 2 - 1);
        _bias = new Tensor([0.1f, -0.2f, 0.3f], 3);
        _output = Tensor.Zeros(1, 3, 1080, 1920);
    }

    [Benchmark(Description = "conv_transpose2d 16->3 k2 s2, (1,16,540,960) f32")]
    public void UpsampleK2S2() => ConvTranspose2d.Forward(_input, _weight, _bias, _options, _output, _settings);
}
