using System.Diagnostics;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Benchmarks;

/// <summary>
/// <c>dotnet ConvStream.Benchmarks.dll split-cpu [runs]</c>: where splitting a call across two
/// threads starts to pay, for each kind of work <see cref="SplitWork"/> counts. One op per kind —
/// BGR→gray and 2×2 max pool on u8 frames (bytes read and written), a direct 3→8 3×3 conv2d
/// (multiply-adds) — on 1920-wide inputs of growing height, each size timed unsplit (1 thread)
/// and split in two whatever its size (2 threads, minimum work per task 0), alternating so that
/// both see the same load; medians of <c>runs</c> (default 31) of the wall time and of the process's
/// CPU time (every thread). On a loaded machine the second core is rarely free, so the wall-time
/// ratio says little; the CPU time the split adds (waking and waiting for a worker, sharing the
/// frame's lines) is the cost a split must earn back, and a kind's minimum work per task is chosen
/// where that overhead falls to about a tenth of the call's own CPU time.
/// </summary>
internal static class SplitCpuTime
{
    public static void Run(int runs)
    {
        int[] heights = [2, 4, 8, 16, 32, 64, 128, 270, 540];
        Console.WriteLine("kind          op             height     work/call   wall: 1 thread  split   ratio   CPU: 1 thread  split  overhead");
        foreach (int h in heights)
        {
            var bgr = new Frame(1920, h, 3);
            var gray = new Frame(1920, h, 1);
            new Random(h).NextBytes(bgr.Bytes);
            Compare("bytes", "gray", h, (long)bgr.RowBytes * h + gray.RowBytes * h, runs, s => GrayFilter.Convert(bgr, gray, s));
        }
        foreach (int h in heights)
        {
            var src = new Frame(1920, 2 * h, 3);
            var dst = new Frame(960, h, 3);
            new Random(h).NextBytes(src.Bytes);
            var one = new MaxPoolFilter(2, 2, Settings(1));
            var two = new MaxPoolFilter(2, 2, Settings(2));
            Compare("bytes", "maxpool 2x2", h, (long)src.RowBytes * 2 * h + dst.RowBytes * h, runs,
                s => (s.Threads == 1 ? one : two).Apply([src], dst));
        }
        foreach (int h in new[] { 1, 2, 4, 8, 16, 32, 64 })
        {
            var rng = new Random(h);
            var x = Tensor.Zeros(1, 3, h, 1920);
            for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
            var w = Tensor.Zeros(8, 3, 3, 3);
            for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextDouble();
            var y = Tensor.Zeros(1, 8, h, 1920);
            var one = new Conv2dPlan(w, null, new Conv2dOptions { Padding = 1 }, Settings(1));
            var two = new Conv2dPlan(w, null, new Conv2dOptions { Padding = 1 }, Settings(2));
            Compare("multiply-adds", "conv 3->8 3x3", h, 8L * 27 * 1920 * h, runs, s => (s.Threads == 1 ? one : two).Forward(x, y));
        }
    }

    private static ExecutionSettings Settings(int threads) => ExecutionSettings.Default with { Threads = threads, MinWorkPerTask = threads == 1 ? null : 0 };

    private static void Compare(string kind, string op, int height, long work, int runs, Action<ExecutionSettings> call)
    {
        ExecutionSettings one = Settings(1), two = Settings(2);
        // Past tiered compilation's first tiers (30 calls, then a background recompile).
        for (int i = 0; i < 40; i++) { call(one); call(two); }
        Thread.Sleep(150);
        for (int i = 0; i < 5; i++) { call(one); call(two); }
        var wall1 = new double[runs];
        var wall2 = new double[runs];
        var cpu1 = new double[runs];
        var cpu2 = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            double c0 = ConvCpuTime.ProcessCpuUs();
            long a = Stopwatch.GetTimestamp();
            call(one);
            long b = Stopwatch.GetTimestamp();
            double c1 = ConvCpuTime.ProcessCpuUs();
            call(two);
            long c = Stopwatch.GetTimestamp();
            double c2 = ConvCpuTime.ProcessCpuUs();
            wall1[i] = Stopwatch.GetElapsedTime(a, b).TotalMicroseconds;
            wall2[i] = Stopwatch.GetElapsedTime(b, c).TotalMicroseconds;
            cpu1[i] = c1 - c0;
            cpu2[i] = c2 - c1;
        }
        double w1 = Median(wall1), w2 = Median(wall2), p1 = Median(cpu1), p2 = Median(cpu2);
        Console.WriteLine($"{kind,-13} {op,-14} {height,5}  {work,12:N0}  {w1,10:F1} µs {w2,8:F1}  {w2 / w1,5:F2}  {p1,10:F1} µs {p2,8:F1}  {p2 - p1,8:F1} µs");
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }
}
