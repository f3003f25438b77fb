using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Tests;

/// <summary>Every SIMD level this machine runs × 1 and 2 threads, as the settings a plan is given.</summary>
public static class Conv2dSettings
{
    public static IEnumerable<(SimdLevel Level, int Threads)> All()
    {
        foreach (var level in Simd.Simd.Supported)
            foreach (int threads in new[] { 1, 2 })
                yield return (level, threads);
    }

    public static ExecutionSettings Of(SimdLevel level, int threads) => new() { Level = level, Threads = threads, MinWorkPerTask = threads > 1 ? SmallSplits : null };

    /// <summary>
    /// The minimum work per task tests split with: the engine's own minimums (Threads) keep calls
    /// under ~50 µs whole, so the small inputs of tests would never reach a band edge on two threads.
    /// </summary>
    public const long SmallSplits = 1L << 12;
}
