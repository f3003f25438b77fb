namespace ConvStream.Engine.Simd;

/// <summary>
/// Splitting one call's rows across cores. <c>CONVSTREAM_THREADS</c> sets <see cref="Default"/>
/// (the default of <see cref="ExecutionSettings.Threads"/>); each plan says how many it uses.
/// Row bands smaller than <see cref="MinWorkPerTask"/> multiply-adds are not split, because a task
/// costs a few microseconds to schedule.
/// </summary>
public static class Threads
{
    /// <summary><c>CONVSTREAM_THREADS</c> when it is a positive integer, else every core.</summary>
    public static int Default { get; } = FromEnvironment();

    /// <summary>Below this much work (multiply-adds) a band is not worth a task of its own.</summary>
    public const long MinWorkPerTask = 1L << 16;

    private static int FromEnvironment()
    {
        string? s = Environment.GetEnvironmentVariable("CONVSTREAM_THREADS");
        return int.TryParse(s, out int n) && n > 0 ? n : Environment.ProcessorCount;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(start, end) over [0, count) split into at most
    /// <paramref name="threads"/> contiguous ranges, each worth at least <see cref="MinWorkPerTask"/>.
    /// </summary>
    public static void For(int threads, int count, long workPerItem, Action<int, int> body)
    {
        if (count <= 0) return;
        long total = Math.Max(1, workPerItem) * count;
        int parts = (int)Math.Clamp(total / MinWorkPerTask, 1, Math.Min(threads, count));
        if (parts <= 1) { body(0, count); return; }
        Split(count, parts, body);
    }

    // Separate so the lambda's captured state (a heap object the compiler creates at the start of
    // the capturing method) is only allocated when the work is really split.
    private static void Split(int count, int parts, Action<int, int> body)
    {
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            int start = (int)((long)count * p / parts);
            int end = (int)((long)count * (p + 1) / parts);
            if (end > start) body(start, end);
        });
    }
}
