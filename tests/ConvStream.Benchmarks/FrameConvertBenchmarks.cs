using BenchmarkDotNet.Attributes;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Benchmarks;

/// <summary>
/// The interleaved ↔ planar boundary of a pipeline: a 1920×1080 BGR u8 frame into its (3,1080,1920)
/// float tensor and back (<see cref="FrameConvert.ToTensor(Frame, Tensor, ExecutionSettings?)"/>,
/// <see cref="FrameConvert.FromTensor"/>), one thread, same buffers every call: 6 MB of bytes and
/// 25 MB of floats per direction. ./run.sh bench --filter '*FrameConvert*'
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 50)]
[MinColumn, MedianColumn]
public class FrameConvertBenchmarks
{
    private Frame _frame = null!, _back = null!;
    private Tensor _tensor = null!;
    private readonly ExecutionSettings _settings = new() { Threads = 1 };

    [GlobalSetup]
    public void Setup()
    {
        _frame = new Frame(1920, 1080, 3, PixelDepth.U8);
        var rng = new Random(0);
        for (int y = 0; y < _frame.Height; y++) rng.NextBytes(_frame.Row<byte>(y));
        _back = new Frame(1920, 1080, 3, PixelDepth.U8);
        _tensor = Tensor.Zeros(3, 1080, 1920);
    }

    [Benchmark(Description = "1920x1080 BGR u8 -> (3,H,W) f32")]
    public void ToTensor() => FrameConvert.ToTensor(_frame, _tensor, _settings);

    [Benchmark(Description = "(3,H,W) f32 -> 1920x1080 BGR u8")]
    public void FromTensor() => FrameConvert.FromTensor(_tensor, _back, _settings);
}
