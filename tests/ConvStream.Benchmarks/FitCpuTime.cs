using System.Diagnostics;
using ConvStream.Engine.Fitting;
using ConvStream.Engine.Simd;

namespace ConvStream.Benchmarks;

/// <summary>
/// <c>dotnet ConvStream.Benchmarks.dll fit-cpu</c>: the process CPU time (and wall time) of the
/// fit's engine work on <see cref="FitBenchmarks"/>' 1080p pair, median of a few runs after one
/// warm-up. On this shared 2-core machine wall time moves with the other jobs' load (10× at a load
/// of 30); CPU time moves much less, so it is what the README quotes next to BenchmarkDotNet's medians.
/// </summary>
internal static class FitCpuTime
{
    public static void Run()
    {
        var bench = new FitBenchmarks();
        var process = Process.GetCurrentProcess();
        foreach (int threads in new[] { 1, 2 })
        {
            bench.Threads = threads;
            bench.Setup();
            Report(process, $"normal equations 5x5, {threads} thread(s)", 7, () => bench.NormalEquations5x5());
            Report(process, $"least-squares fit 5x5, {threads} thread(s)", 7, () => bench.LeastSquares5x5());
            Report(process, $"adam 1 step, {threads} thread(s)", 3, () => bench.Adam1Step5x5());
            Report(process, $"adam 5 steps, {threads} thread(s)", 3, () => bench.Adam5Steps5x5());
        }
        bench.Threads = 1;
        bench.Setup();
        foreach (var level in Simd.Supported)
            Report(process, $"normal equations 5x5 at {level}, 1 thread", 5, () => NormalEquations.Build(bench.Design, 1, level));
    }

    private static void Report(Process process, string name, int runs, Action body)
    {
        body();
        var cpu = new double[runs];
        var wall = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            process.Refresh();
            var c0 = process.TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            body();
            wall[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - c0).TotalMilliseconds;
        }
        Array.Sort(cpu);
        Array.Sort(wall);
        Console.WriteLine($"{name}: CPU median {cpu[runs / 2]:F0} ms (min {cpu[0]:F0}), wall median {wall[runs / 2]:F0} ms (min {wall[0]:F0})");
    }
}
