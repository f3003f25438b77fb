using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ConvStream.Cli.Tests;

/// <summary>Ctrl+C (SIGINT) or SIGTERM during a long Adam fit: exit 128 + the signal, a line saying so, and no kernel file.</summary>
public class FitCancellationTests
{
    [Theory]
    [InlineData("INT", "SIGINT", 130)]
    [InlineData("TERM", "SIGTERM", 143)]
    public async Task SignalStopsTheFitAndWritesNothing(string kill, string name, int exit)
    {
        if (!OperatingSystem.IsLinux()) return; // real signals: Linux only
        using var work = new TempFolder();
        var psi = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = work.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "env", "--default-signal=INT", ConvstreamProcess.DotnetHost, ConvstreamProcess.Dll, "fit",
                     "--input", FitFixtures.F("before.png"), "--target", FitFixtures.F("emboss.png"), "--kernel", "3x3",
                     "--method", "adam", "--steps", "1000000", "--output", "k.json" })
            psi.ArgumentList.Add(a);
        psi.Environment.Remove("CONVSTREAM_DEBUG");
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start setsid");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = new StringBuilder();
        var reader = Task.Run(() =>
        {
            string? line;
            while ((line = p.StandardError.ReadLine()) is not null) lock (stderr) stderr.AppendLine(line);
        });
        try
        {
            // Wait (no timing assertion) until the progress line shows Adam is stepping.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!Snapshot(stderr).Contains("step ", StringComparison.Ordinal))
            {
                Assert.False(p.HasExited, $"fit ended early: {Snapshot(stderr)}");
                Assert.True(DateTime.UtcNow < deadline, $"no progress after 60 s: {Snapshot(stderr)}");
                await Task.Delay(100);
            }
            PipelineMedia.Tool("kill", "-" + kill, p.Id.ToString(CultureInfo.InvariantCulture));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
        await reader;
        Assert.Equal(exit, p.ExitCode);
        var lines = Snapshot(stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"convstream fit: interrupted by {name}; no kernel file written", lines[^1]);
        Assert.Equal("", await stdout);
        Assert.Empty(work.Files());
    }

    private static string Snapshot(StringBuilder sb) { lock (sb) return sb.ToString(); }
}
