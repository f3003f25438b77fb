using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ConvStream.Cli.Tests;

/// <summary>
/// Ctrl+C during <c>convstream run</c> (Linux: real signals): the run stops, drains the frames in
/// flight, closes its .mp4 properly (every frame the summary counts is in the file), exits 130 and
/// leaves no ffmpeg behind. Two ways: SIGINT to convstream alone (<c>kill -INT PID</c>), and to
/// its whole process group, as a terminal's Ctrl+C does, which used to reach the ffmpeg children
/// too (the encoder died before the last frames and the run failed).
/// </summary>
public class RunCancellationTests
{
    private const string Pipeline = """
        { "source": "testsrc2:320x240@30",
          "stages": [ { "name": "blur", "op": "gaussian", "input": "source", "size": 5, "sigma": 0 } ],
          "outputs": [ { "kind": "file", "stage": "blur", "path": "blur.mp4" } ] }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CtrlCDrainsClosesTheFileAndLeavesNoChild(bool wholeGroup)
    {
        if (!OperatingSystem.IsLinux()) return; // signals and /proc: Linux only
        using var work = new TempFolder();
        File.WriteAllText(work.File("c.json"), Pipeline);

        // setsid: convstream leads its own process group (as a shell job does), so the group signal
        // reaches only it and what shares its group; env resets SIGINT in case the test runner was
        // started with it ignored (a background job), which the child would otherwise inherit.
        var psi = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = work.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "env", "--default-signal=INT", DotnetHost(), ConvstreamProcess.Dll, "run", "c.json", "--output", "out", "--frames", "100000" })
            psi.ArgumentList.Add(a);
        psi.Environment.Remove("CONVSTREAM_DEBUG");
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start setsid");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = new StringBuilder();
        var stderrDone = Task.Run(() =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = p.StandardError.Read(buffer, 0, buffer.Length)) > 0) lock (stderr) stderr.Append(buffer, 0, n);
        });
        int[] children;
        try
        {
            // Wait (no timing assertion) until frames flow, i.e. the progress line shows some.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!Regex.IsMatch(Snapshot(stderr), @"\] [1-9]\d+/100000 frames"))
            {
                Assert.False(p.HasExited, $"run ended early: exit {(p.HasExited ? p.ExitCode : 0)}: {Snapshot(stderr)}");
                Assert.True(DateTime.UtcNow < deadline, $"no progress after 60 s: {Snapshot(stderr)}");
                await Task.Delay(100);
            }
            await Task.Delay(1500);
            children = ChildrenOf(p.Id);
            Assert.Equal(2, children.Length); // the lavfi decoder and the encoder
            // procps kill needs "--" before a negative id (a group), else it signals nothing and says nothing.
            PipelineMedia.Tool("kill", "-INT", "--", (wholeGroup ? -p.Id : p.Id).ToString(CultureInfo.InvariantCulture));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(timeout.Token); // throws if it has not stopped within 60 s of SIGINT
            await stderrDone.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }

        string err = Snapshot(stderr), outText = await stdout;
        Assert.True(p.ExitCode == 130, $"exit {p.ExitCode}\nstdout: {outText}\nstderr: {err}");
        Assert.Contains("stopping", err);
        Assert.Contains("interrupted", outText);
        // Every frame the summary says reached the file is in it, and the file is complete enough for ffprobe to decode.
        var m = Regex.Match(outText, @"→ blur\.mp4\s+file\s+(\d+)\s+(\d+)");
        Assert.True(m.Success, outText);
        int written = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(written >= 1);
        Assert.Equal(written, PipelineMedia.Video(work.File("out/blur.mp4")).Frames);
        Assert.Equal(["blur.mp4"], Directory.GetFiles(work.File("out")).Select(Path.GetFileName));
        foreach (int child in children) Assert.False(Alive(child), $"ffmpeg {child} outlived convstream");
    }

    private static string Snapshot(StringBuilder sb) { lock (sb) return sb.ToString(); }

    /// <summary>Processes whose parent is <paramref name="pid"/>, from /proc/*/stat (field 4 is the parent's id).</summary>
    private static int[] ChildrenOf(int pid)
    {
        var ids = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int id)) continue;
            string? stat = ReadStat(id);
            if (stat is null) continue;
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == pid) ids.Add(id);
        }
        return [.. ids];
    }

    /// <summary>Still running: present in /proc and not a zombie waiting to be reaped.</summary>
    private static bool Alive(int id)
        => ReadStat(id) is string stat && stat[(stat.LastIndexOf(')') + 2)] != 'Z';

    private static string? ReadStat(int id)
    {
        try { return File.ReadAllText($"/proc/{id}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
