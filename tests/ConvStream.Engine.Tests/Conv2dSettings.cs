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

    public static ExecutionSettings Of(SimdLevel level, int threads) => new() { Level = level, Threads = threads };
}
