using ConvStream.Engine.Simd;

namespace ConvStream.Pipeline.Stages;

/// <summary>
/// How pointwise stages split a frame across cores: bands of <see cref="Height"/> rows (the
/// schedule's <c>band-height</c>; 0 lets <see cref="Threads.For"/> size them by work), run by
/// <see cref="Threads.For"/>, which honours <see cref="Threads.Count"/>.
/// </summary>
public static class RowBands
{
    /// <summary>Rows per band; 0 = one band per thread. Set by the runtime from the schedule.</summary>
    public static int Height { get; set; }

    /// <summary>Runs <paramref name="rows"/>(start, end) over all rows of a frame of <paramref name="height"/> rows.</summary>
    public static void Run(int height, long workPerRow, Action<int, int> rows)
    {
        int bh = Height;
        if (bh <= 0 || bh >= height) { Threads.For(height, workPerRow, rows); return; }
        int bands = (height + bh - 1) / bh;
        // Bands are grouped into at most Threads.Count contiguous runs; each run walks its bands.
        Threads.For(bands, workPerRow * bh, (b0, b1) => rows(b0 * bh, Math.Min(height, b1 * bh)));
    }
}
