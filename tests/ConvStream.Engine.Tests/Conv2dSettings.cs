using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Tests;

/// <summary>
/// Runs code at a given SIMD level and thread count, restoring both afterwards. Test classes that
/// flip these process-wide settings share the xunit collection "SimdLevel" so they never run at
/// the same time as each other.
/// </summary>
public static class Conv2dSettings
{
    public static IEnumerable<(SimdLevel Level, int Threads)> All()
    {
        foreach (var level in Simd.Simd.Supported)
            foreach (int threads in new[] { 1, 2 })
                yield return (level, threads);
    }

    public static T With<T>(SimdLevel level, int threads, Func<T> body)
    {
        var (oldLevel, oldThreads) = (Simd.Simd.Level, Threads.Count);
        try
        {
            Simd.Simd.Level = level;
            Threads.Count = threads;
            return body();
        }
        finally
        {
            Simd.Simd.Level = oldLevel;
            Threads.Count = oldThreads;
        }
    }
}
