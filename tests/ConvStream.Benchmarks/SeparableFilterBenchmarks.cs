using BenchmarkDotNet.Attributes;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Stages;

namespace ConvStream.Benchmarks;

/// <summary>
/// The separable 8-bit filters at 1920×1080, beside OpenCV's figures for the same calls
/// (../shared/bench/ocv_bench.cpp: GaussianBlur_5x5_sigma_auto u8c3, GaussianBlur_9x9_sigma1.5 u8c3,
/// Sobel3x3_dx u8c1->16S). Each call filters the same preallocated input into a preallocated
/// output, as the OpenCV script does. Run: ./run.sh bench --filter *SeparableFilter*
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class SeparableFilterBenchmarks
{
    private Frame _bgr = null!, _gray = null!, _bgrOut = null!, _grayS16 = null!, _boxOut = null!;
    private IFrameFilter _gauss5 = null!, _gauss9 = null!, _sobelDx = null!, _box5 = null!;
    private Frame[] _bgrIn = null!, _grayIn = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var settings = new Engine.Simd.ExecutionSettings { Threads = Threads };
        var rng = new Random(12345);
        _bgr = Random(rng, 1920, 1080, 3);
        _gray = Random(rng, 1920, 1080, 1);
        _bgrOut = new Frame(1920, 1080, 3);
        _boxOut = new Frame(1920, 1080, 3);
        _grayS16 = new Frame(1920, 1080, 1, PixelDepth.S16);
        _gauss5 = StageRegistry.Create("gaussian:size=5,sigma=0", settings: settings);
        _gauss9 = StageRegistry.Create("gaussian:size=9,sigma=1.5", settings: settings);
        _sobelDx = StageRegistry.Create("sobel:dx=1,dy=0", settings: settings);
        _box5 = StageRegistry.Create("box:size=5", settings: settings);
        _bgrIn = new[] { _bgr };
        _grayIn = new[] { _gray };
    }

    [Benchmark(Description = "gaussian 5x5 BGR u8")]
    public void Gaussian5() => _gauss5.Apply(_bgrIn, _bgrOut);

    [Benchmark(Description = "gaussian 9x9 s1.5 BGR u8")]
    public void Gaussian9() => _gauss9.Apply(_bgrIn, _bgrOut);

    [Benchmark(Description = "sobel dx 3x3 gray u8->s16")]
    public void SobelDx() => _sobelDx.Apply(_grayIn, _grayS16);

    [Benchmark(Description = "box 5x5 BGR u8")]
    public void Box5() => _box5.Apply(_bgrIn, _boxOut);

    private static Frame Random(Random rng, int w, int h, int c)
    {
        var f = new Frame(w, h, c);
        var bytes = new byte[f.RowBytes * h];
        rng.NextBytes(bytes);
        f.CopyFromPacked(bytes);
        return f;
    }
}
