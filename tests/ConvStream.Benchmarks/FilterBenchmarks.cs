using BenchmarkDotNet.Attributes;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Benchmarks;

/// <summary>
/// The misc video filters at 1920×1080 on a BGR u8 frame, 1 and 2 threads, each call into a
/// preallocated output on the same (cache-warm) input, as ../shared/bench/ocv_bench.cpp times
/// OpenCV. Compare with its rows cvtColor_BGR2GRAY, Sobel_magnitude_pipeline_from_bgr,
/// filter2D_5x5 / filter2D_7x7 u8c3, maxpool2x2s2_* and avgpool2x2s2_resize_AREA, run in the same
/// sitting: ./run.sh bench --filter '*FilterBenchmarks*'.
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
        ConvStream.Engine.Simd.Threads.Count = Threads;
        var rng = new Random(1);
        _bgr = new Frame(1920, 1080, 3);
        for (int y = 0; y < _bgr.Height; y++) rng.NextBytes(_bgr.Row<byte>(y));
        _gray = new Frame(1920, 1080, 1);
        _bgrOut = new Frame(1920, 1080, 3);
        _half = new Frame(960, 540, 3);
        _grayF = FilterRegistry.Create("gray");
        _sobelMag = FilterRegistry.Create("sobel-magnitude");
        _conv5 = new ConvFilter(Random(rng, 5), null, "random 5x5");
        _conv7 = new ConvFilter(Random(rng, 7), null, "random 7x7");
        _max = FilterRegistry.Create("maxpool:size=2");
        _avg = FilterRegistry.Create("avgpool:size=2");
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
