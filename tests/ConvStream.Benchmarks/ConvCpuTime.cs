using System.Diagnostics;
using System.Runtime.InteropServices;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Benchmarks;

/// <summary>
/// <c>dotnet ConvStream.Benchmarks.dll conv-cpu [runs]</c>: the dense 3×3 layers of issue 13's
/// table (3→16, 16→16, 32→32 at 1920×1080, padding 1) on every path that accepts them (direct,
/// Winograd F(2×2, 3×3), F(4×4, 3×3)), through <see cref="Conv2dPlan.Forward(Tensor, Tensor)"/> into
/// a preallocated output: the calling thread's CPU time on 1 thread (the machine is shared, and
/// CPU time moves much less with the load than wall time), and wall time on 1 and 2 threads;
/// medians of <c>runs</c> (default 9) after two warm-up calls. <c>torch_conv3x3.py</c> times the
/// same layers in PyTorch the same way.
/// </summary>
internal static class ConvCpuTime
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private const int ThreadCpuClock = 3, ProcessCpuClock = 2; // CLOCK_THREAD_CPUTIME_ID, CLOCK_PROCESS_CPUTIME_ID

    /// <summary>The CPU time of every thread of the process, in microseconds.</summary>
    public static double ProcessCpuUs()
    {
        ClockGetTime(ProcessCpuClock, out var t);
        return t.Seconds * 1e6 + t.Nanoseconds / 1e3;
    }

    /// <summary>The calling thread's CPU time in milliseconds.</summary>
    public static double ThreadCpuMs()
    {
        ClockGetTime(ThreadCpuClock, out var t);
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }

    public static void Run(int runs)
    {
        var rng = new Random(13);
        foreach (var (cin, cout) in new[] { (3, 16), (16, 16), (32, 32) })
        {
            var x = Random(rng, 1, cin, 1080, 1920);
            var w = Random(rng, cout, cin, 3, 3);
            var b = Random(rng, cout);
            var options = new Conv2dOptions { Padding = 1 };
            var y = Tensor.Zeros(1, cout, 1080, 1920);
            string chosen = new Conv2dPlan(w, b, options).Path.ToString();
            foreach (var path in new[] { Conv2dPath.Direct, Conv2dPath.Winograd, Conv2dPath.Winograd4x4 })
            {
                // Below 16 channels the plan never chooses Winograd; it is timed anyway (the figure that keeps it off).
                var one = Conv2dPlan.OnPath(w, b, options, ExecutionSettings.Default with { Threads = 1 }, path);
                var two = Conv2dPlan.OnPath(w, b, options, ExecutionSettings.Default with { Threads = 2 }, path);
                var (cpu1, wall1) = Time(runs, () => one.Forward(x, y));
                var (_, wall2) = Time(runs, () => two.Forward(x, y));
                Console.WriteLine($"conv3x3 {cin}->{cout} 1920x1080 {path,-11} (plan chooses {chosen}): 1 thread CPU {cpu1:F1} ms, wall {wall1:F1} ms; 2 threads wall {wall2:F1} ms");
            }
        }
    }

    private static (double Cpu, double Wall) Time(int runs, Action body)
    {
        body();
        body();
        var cpu = new double[runs];
        var wall = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            double c0 = ThreadCpuMs();
            long t0 = Stopwatch.GetTimestamp();
            body();
            wall[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            cpu[i] = ThreadCpuMs() - c0;
        }
        Array.Sort(cpu);
        Array.Sort(wall);
        return (cpu[runs / 2], wall[runs / 2]);
    }

    private static Tensor Random(Random rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t[i] = (float)(rng.NextDouble() * 2 - 1);
        return t;
    }
}
