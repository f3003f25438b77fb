using BenchmarkDotNet.Attributes;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Fitting;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Benchmarks;

/// <summary>
/// <c>convstream fit</c>'s engine work on a 1920×1080 BGR u8 pair (a textured frame and its 5×5
/// Gaussian through the conv stage): building the 5×5 per-channel normal equations (one pass over
/// 6.2 M samples, 26 rows of patches per chunk, 351 dot products), the whole least-squares fit
/// (equations, eigenvalues, Cholesky), and Adam with 1 and with 5 steps (the difference / 4 is
/// one step: a conv2d forward and the engine's conv2d backward over the 3 channels).
/// ./run.sh bench --filter '*FitBenchmarks*'; CPU times: <c>ConvStream.Benchmarks.dll fit-cpu</c> (<see cref="FitCpuTime"/>).
/// <para>
/// 2026-12-01, 2-core Zen 5 VM at a load average of 26–31 (wall ≈ 3–4× CPU), medians, 1 thread:
/// normal equations 126 ms CPU (scalar 462, V128 332, V256 172, V512 124), least-squares fit 129 ms,
/// Adam ≈ 70 ms CPU per step. BenchmarkDotNet's wall medians in the same hour: 230–460 ms for the
/// equations, 105–480 ms for the fit (±50 % between runs).
/// </para>
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class FitBenchmarks
{
    [Params(1, 2)] public int Threads;

    private FitDesign _design = null!;
    internal FitDesign Design => _design;
    private ExecutionSettings Settings => ExecutionSettings.Default with { Threads = Threads };

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        var before = new Frame(1920, 1080, 3);
        for (int y = 0; y < before.Height; y++)
        {
            var row = before.Row<byte>(y);
            for (int i = 0; i < row.Length; i++) row[i] = (byte)(128 + 60 * Math.Sin(i * 0.01 + y * 0.02) + rng.Next(-40, 40));
        }
        double[] g = [1, 4, 6, 4, 1];
        var w = new float[25];
        for (int i = 0; i < 25; i++) w[i] = (float)(g[i / 5] * g[i % 5] / 256);
        var blur = new ConvFilter(new Filter2DKernel(w, 1, 1, 5, 5, 2, 2, [0f], perChannel: true, BorderMode.Reflect), null, "binomial 5x5");
        var after = new Frame(1920, 1080, 3);
        blur.Apply([before], after);
        var pair = FitPair.FromFrames(before, "before", after, "after", false);
        _design = FitDesign.Create([pair], new KernelModel(5, 5, 2, 2, BorderMode.Reflect, FitChannels.PerChannel, false));
    }

    [Benchmark] public NormalEquations NormalEquations5x5() => NormalEquations.Build(_design, Threads, Simd.Level);

    [Benchmark] public FittedKernel LeastSquares5x5() => KernelFitter.Fit(_design, new KernelFitOptions { Method = FitMethod.LeastSquares, Settings = Settings });

    [Benchmark] public FittedKernel Adam1Step5x5() => AdamFit.Fit(_design, new AdamOptions { Steps = 1 }, 0, null, settings: Settings);

    [Benchmark] public FittedKernel Adam5Steps5x5() => AdamFit.Fit(_design, new AdamOptions { Steps = 5 }, 0, null, settings: Settings);
}
