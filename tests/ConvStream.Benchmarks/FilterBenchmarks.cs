using BenchmarkDotNet.Attributes;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Stages;

namespace ConvStream.Benchmarks;

/// <summary>
/// The misc video filters at 1920×1080 on a BGR u8 frame, 1 and 2 threads, each call into a
/// preallocated output on the same (cache-warm) input, as ../shared/bench/ocv_bench.cpp times
/// OpenCV. Compare with its rows cvtColor_BGR2GRAY, Sobel_magnitude_pipeline_from_bgr,
/// filter2D_5x5 / filter2D_7x7 u8c3, maxpool2x2s2_* and avgpool2x2s2_resize_AREA, run in the same
/// sitting: ./run.sh bench --filter '*FilterBenchmarks*'.
/// <para>
/// 2026-11-22, 2-core Zen 5 VM shared with other jobs (load 3–10), BenchmarkDotNet median vs
/// ocv_bench median, 1 thread / 2 threads (ms, ratio):
/// gray 0.297 vs 0.489 (0.61×) / 0.478 vs 0.490 (0.98×);
/// sobel-magnitude L2 from BGR 0.970 vs 2.666 (0.36×) / 1.039 vs 2.585 (0.40×);
/// conv 5×5 BGR 3.99 vs 10.54 (0.38×) / 2.08 vs 8.64 (0.24×, ±1.4 ms);
/// conv 7×7 BGR 6.45 vs 15.76 (0.41×) / 6.90 vs 16.48 (0.42×, ±5 ms);
/// maxpool 2×2 BGR 0.225 vs 0.686 (0.33×) / 0.101 vs 0.848;
/// avgpool 2×2 BGR 0.215 vs 0.457 (0.47×) / 0.313 vs 0.456 (0.69×).
/// </para>
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 12)]
public class FilterBenchmarks
{
    [Params(1, 2)] public int Threads;

    private Frame _bgr = null!, _gray = null!, _bgrOut = null!, _half = null!;
    private IFrameFilter _grayF = null!, _sobelMag = null!, _conv5 = null!, _conv7 = null!, _max = null!, _avg = null!;

    [GlobalSetup]
    public void Setup()
    {
        var settings = new ConvStream.Engine.Simd.ExecutionSettings { Threads = Threads };
        var rng = new Random(1);
        _bgr = new Frame(1920, 1080, 3);
        for (int y = 0; y < _bgr.Height; y++) rng.NextBytes(_bgr.Row<byte>(y));
        _gray = new Frame(1920, 1080, 1);
        _bgrOut = new Frame(1920, 1080, 3);
        _half = new Frame(960, 540, 3);
        _grayF = StageRegistry.Create("gray", settings: settings);
        _sobelMag = StageRegistry.Create("sobel-magnitude", settings: settings);
        _conv5 = new ConvFilter(Random(rng, 5), null, "random 5x5", settings);
        _conv7 = new ConvFilter(Random(rng, 7), null, "random 7x7", settings);
        _max = StageRegistry.Create("maxpool:size=2", settings: settings);
        _avg = StageRegistry.Create("avgpool:size=2", settings: settings);
    }

    // A generic (non-separable, no zero) kernel, as ocv_bench's filter2D rows use.
    private static Filter2DKernel Random(Random rng, int k)
    {
        var w = new float[k * k];
        for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextDouble() * 2 - 1) / k;
        return new Filter2DKernel(w, 1, 1, k, k, k / 2, k / 2, [0f], perChannel: true, BorderMode.Reflect);
    }

    [Benchmark] public void Gray() => _grayF.Apply([_bgr], _gray);
    [Benchmark] public void SobelMagnitudeFromBgr() => _sobelMag.Apply([_bgr], _gray);
    [Benchmark] public void Conv5x5Bgr() => _conv5.Apply([_bgr], _bgrOut);
    [Benchmark] public void Conv7x7Bgr() => _conv7.Apply([_bgr], _bgrOut);
    [Benchmark] public void MaxPool2x2Bgr() => _max.Apply([_bgr], _half);
    [Benchmark] public void AvgPool2x2Bgr() => _avg.Apply([_bgr], _half);
}
