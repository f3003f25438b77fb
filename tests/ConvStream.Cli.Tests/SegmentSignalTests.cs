using System.Diagnostics;

namespace ConvStream.Cli.Tests;

/// <summary>
/// SIGTERM (what Ctrl+C, <c>timeout</c> and <c>docker stop</c> amount to) to <c>run --segments 2</c>
/// while its workers run: every worker stops, the exit status is 143, nothing is joined and no
/// worker process is left behind.
/// </summary>
public class SegmentSignalTests
{
    [Fact]
    public async Task Sigterm_stops_every_worker_and_joins_nothing()
    {
        using var work = new TempFolder();
        string clip = SegmentMedia.MakeClip(work);
        string pipeline = SegmentMedia.MakePipeline(work, clip);
        var psi = new ProcessStartInfo(ConvstreamProcess.DotnetHost) { WorkingDirectory = work.Path, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { ConvstreamProcess.Dll, "run", pipeline, "--segments", "2", "--output", "out" }) psi.ArgumentList.Add(a);
        var tag = new Faults.RunTag();
        psi.Environment[Faults.RunTag.Variable] = tag.Value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = new List<string>();
        var started = new TaskCompletionSource();
        var reading = Task.Run(() =>
        {
            for (string? line; (line = p.StandardError.ReadLine()) is not null;)
            {
                lock (stderr) stderr.Add(line);
                // The first progress line: both workers were started (each needs seconds to start, probe and decode).
                if (line.StartsWith("segments 0:", StringComparison.Ordinal)) started.TrySetResult();
            }
        });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        PipelineMedia.Tool("kill", "-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await reading;
        string output = await stdout;
        string all = string.Join("\n", stderr) + "\n" + output;
        Assert.True(p.ExitCode == 143, all);
        Assert.Contains("interrupted by SIGTERM: 2 workers stopped, nothing joined", all);
        Assert.DoesNotContain("joined ", output);
        Assert.False(File.Exists(work.File("out/blur.mkv")), all);
        Assert.False(Directory.Exists(work.File("out/edges")), all);
        // No worker (nor its ffmpeg) outlives the run: none carries the run's tag.
        Assert.Empty(await tag.Leftovers());
    }
}
