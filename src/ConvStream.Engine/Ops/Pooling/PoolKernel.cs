using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Pooling;

/// <summary>
/// Runs a pooling call over row bands: every output row of every (n, c) plane is one item, and
/// <see cref="ExecutionSettings.For"/> splits the items into contiguous bands. Each band takes its padded row
/// (and, for the average, the per-column window sizes) once from the thread's scratch.
/// </summary>
internal static class PoolKernel
{
    /// <summary>Slack after the padded row: a stride-2 load reads a pair of 512-bit vectors.</summary>
    private const int RowSlack = 32;

    public static void Run<T>(float[] x, float[] y, Pool2dShape s, bool average, bool countIncludePad, ExecutionSettings settings) where T : struct, IPoolReduce
    {
        var level = settings.Level;
        int rows = s.N * s.C * s.OutH;
        long workPerRow = (long)s.OutW * s.KH * s.KW;
        if (settings.Threads <= 1 || rows * workPerRow < settings.MinMultiplyAddsPerTask)
            Band<T>(x, y, s, average, countIncludePad, level, settings.ScratchFloats, 0, rows);
        else
            RunBands<T>(x, y, s, average, countIncludePad, settings, rows, workPerRow);
    }

    // Its own method so that the closure is only allocated when the call is really split:
    // a single-threaded call allocates nothing.
    private static void RunBands<T>(float[] x, float[] y, Pool2dShape s, bool average, bool countIncludePad, ExecutionSettings settings, int rows, long workPerRow)
        where T : struct, IPoolReduce
    {
        settings.For(rows, workPerRow, (x, y, s, average, countIncludePad, level: settings.Level, keep: settings.ScratchFloats),
            static (c, start, end) => Band<T>(c.x, c.y, c.s, c.average, c.countIncludePad, c.level, c.keep, start, end));
    }

    private static void Band<T>(float[] x, float[] y, Pool2dShape s, bool average, bool countIncludePad, SimdLevel level, long keepScratch, int start, int end)
        where T : struct, IPoolReduce
    {
        bool pair = s is { KH: 2, KW: 2, SH: 2, SW: 2, PH: 0, PW: 0, DH: 1, DW: 1 };
        int paddedLength = Math.Max(s.PW + s.W, (s.OutW - 1) * s.SW + (s.KW - 1) * s.DW + 1) + RowSlack;
        using var lease = ScratchArena.Rent(ScratchArena.FloatsFor<float>(paddedLength) + ScratchArena.FloatsFor<float>(s.OutW), keepScratch);
        var carve = lease.Carve();
        Span<float> t = carve.Take<float>(paddedLength);
        Span<float> columns = average ? carve.Take<float>(s.OutW) : default;
        if (average)
            for (int ox = 0; ox < s.OutW; ox++)
            {
                int x0 = ox * s.SW - s.PW, x1 = Math.Min(x0 + s.KW, s.W + s.PW);
                columns[ox] = countIncludePad ? x1 - x0 : PoolRows.Clip(x0, x1, s.W);
            }
        // The padding never changes: write it once per band, only the middle is rewritten per row.
        t[..s.PW].Fill(T.Identity);
        t[(s.PW + s.W)..].Fill(T.Identity);
        int plane = s.H * s.W;
        for (int r = start; r < end; r++)
        {
            int p = r / s.OutH, oy = r - p * s.OutH;
            var input = x.AsSpan(p * plane, plane);
            var output = y.AsSpan(r * s.OutW, s.OutW);
            if (pair && 2 * oy + 1 < s.H)
            {
                var row0 = input.Slice(2 * oy * s.W, s.W);
                var row1 = input.Slice((2 * oy + 1) * s.W, s.W);
                int full = s.W / 2;
                PoolRows.Pair2x2<T>(row0, row1, output[..full], average, level);
                if (s.OutW > full) // ceil_mode on an odd width: the last window holds one column
                {
                    float v = T.Combine(row0[s.W - 1], row1[s.W - 1]);
                    output[full] = average ? v / 2 : v;
                }
                continue;
            }
            var middle = t.Slice(s.PW, s.W);
            int y0 = oy * s.SH - s.PH, taken = 0;
            for (int ky = 0; ky < s.KH; ky++)
            {
                int iy = y0 + ky * s.DH;
                if ((uint)iy >= (uint)s.H) continue;
                var row = input.Slice(iy * s.W, s.W);
                if (taken++ == 0) row.CopyTo(middle);
                else PoolRows.CombineInto<T>(middle, row, level);
            }
            if (taken == 0) middle.Fill(T.Identity); // a dilated window that only sees padding
            PoolRows.Across<T>(t, output, s.KW, s.SW, s.DW, level);
            if (average)
            {
                int y1 = Math.Min(y0 + s.KH, s.H + s.PH);
                float rowsCounted = countIncludePad ? y1 - y0 : PoolRows.Clip(y0, y1, s.H);
                PoolRows.Divide(output, columns, rowsCounted, level);
            }
        }
    }
}
