using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace ConvStream.Cli.Tests;

/// <summary>
/// Live memory stays flat: the demo pipeline (four stages, four H.264 files) runs live on the paced
/// test camera for 40 s while its resident memory (VmRSS, /proc) is sampled twice a second. Over
/// the second half, once warm, RSS may grow by at most <see cref="BoundKbPerSecond"/> KB/s.
/// <para>
/// The rate is the second half's net growth less its largest single step between two samples, over
/// its duration: a one-off step (the allocator mapping another 256 KB arena, a thread started on a
/// loaded machine, a page of code compiled late) is left out, while steady growth is made of many
/// small steps and stays. (A median of pairwise slopes, used first, is not robust to one step in the
/// middle of the window: half the pairs straddle it; a clean-clone CI run read 5.89 KB/s from a
/// single 240 KB step.) What it catches: the live path allocating per frame. The runtime then
/// collects nothing for minutes (non-concurrent workstation GC, gen-0 budget of tens of MB here) and
/// RSS climbs at about twice the allocation rate: 2170 bytes per frame (a <c>Task.Delay</c> per
/// paced frame) gave ~29 KB/s, 378 bytes per frame (closures handed to the band splits) 10–66 KB/s
/// for the build before allocation-free frames; allocation-free frames give about 0.
/// The full 10-minute soak is <c>tests/ConvStream.Benchmarks/live_soak.sh</c>, not a test.
/// </para>
/// </summary>
public class LiveSoakTests(ITestOutputHelper output)
{
    private const double BoundKbPerSecond = 4;
    private const int Seconds = 40, Fps = 30;
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task ResidentMemoryOfALiveRunIsFlatOnceWarm()
    {
        if (!OperatingSystem.IsLinux()) return; // /proc
        using var work = new TempFolder();
        var tag = new Faults.RunTag();
        using var p = ConvstreamProcess.Start(work.Path, tag.Environment, "run", Path.Combine(PipelineMedia.Pipelines, "demo.json"),
            "--live", "--input", $"test:320x180@{Fps}", "--frames", (Seconds * Fps).ToString(CultureInfo.InvariantCulture), "--output", "out");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();

        var samples = new List<(double Seconds, long Kb)>();
        var clock = Stopwatch.StartNew();
        while (!p.HasExited && clock.Elapsed < TimeSpan.FromSeconds(Seconds * 3))
        {
            if (ResidentKb(p.Id) is long kb) samples.Add((clock.Elapsed.TotalSeconds, kb));
            await Task.Delay(Period);
        }
        if (!p.HasExited) p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync();
        string report = $"exit {p.ExitCode}\nstdout: {await stdout}\nstderr: {await stderr}";
        Assert.True(p.ExitCode == 0, report);
        Assert.Contains($"{Seconds * Fps} frames in", report);
        Assert.Empty(await tag.Leftovers());

        // The second half of the run, without its last 3 s (draining and closing the encoders).
        double end = samples[^1].Seconds - 3, half = end / 2;
        var warm = samples.Where(s => s.Seconds >= half && s.Seconds <= end).ToArray();
        Assert.True(warm.Length >= 20, $"only {warm.Length} samples in the second half (of {samples.Count})");
        long largestStep = warm.Zip(warm.Skip(1), (a, b) => b.Kb - a.Kb).Max();
        double seconds = warm[^1].Seconds - warm[0].Seconds;
        double slope = (warm[^1].Kb - warm[0].Kb - Math.Max(0, largestStep)) / seconds;
        string figures = $"RSS {samples[0].Kb} → {samples[^1].Kb} KB, second half {warm[0].Kb} → {warm[^1].Kb} KB over {seconds:F0} s " +
            $"(max {warm.Max(s => s.Kb)} KB, largest step {largestStep} KB): growth without that step {slope:F2} KB/s (bound {BoundKbPerSecond})";
        output.WriteLine(figures);
        Assert.True(slope <= BoundKbPerSecond, figures);
    }

    /// <summary>VmRSS of a process in KB; null once it has gone.</summary>
    private static long? ResidentKb(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        return null;
    }
}
