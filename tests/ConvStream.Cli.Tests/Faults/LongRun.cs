using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ConvStream.Cli.Tests.Faults;

/// <summary>
/// A <c>convstream</c> command running in the background as a shell job would: in its own
/// process group (setsid), SIGINT's default restored (a test runner started in the background
/// ignores it, and children inherit that), stderr collected as it comes. Signals are real
/// (<c>kill</c>), children are found in /proc (and, however they end, by the run's <see cref="RunTag"/>). Linux only. Every wait is generous and bounded, for
/// a loaded 2-core machine; nothing here measures time.
/// </summary>
internal sealed class LongRun : IAsyncDisposable
{
    private readonly Process _p;
    private readonly StringBuilder _stderr = new();
    private readonly Task<string> _stdout;
    private readonly Task _stderrDone;

    private LongRun(Process p, RunTag tag)
    {
        _p = p;
        Tag = tag;
        _stdout = p.StandardOutput.ReadToEndAsync();
        _stderrDone = Task.Run(() =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = p.StandardError.Read(buffer, 0, buffer.Length)) > 0) lock (_stderr) _stderr.Append(buffer, 0, n);
        });
    }

    public static LongRun Start(string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "env", "--default-signal=INT", DotnetHost(), ConvstreamProcess.Dll }.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment.Remove("CONVSTREAM_DEBUG");
        var tag = new RunTag();
        psi.Environment[RunTag.Variable] = tag.Value;
        return new LongRun(Process.Start(psi) ?? throw new InvalidOperationException("cannot start setsid"), tag);
    }

    /// <summary>Marks every process this run starts (children, grandchildren, orphans): see <see cref="Leftovers"/>.</summary>
    public RunTag Tag { get; }

    /// <summary>After <see cref="Exit"/>: every process the run started that is still alive (must be none).</summary>
    public Task<string[]> Leftovers(int timeoutSeconds = 30) => Tag.Leftovers(timeoutSeconds);

    public int Id => _p.Id;
    public bool HasExited => _p.HasExited;
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Waits (no timing assertion) until the progress line shows at least <paramref name="frames"/> frames.</summary>
    public async Task WaitForFrames(int frames, int timeoutSeconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var counts = Regex.Matches(Stderr, @"\] (\d+)/\d+ frames").Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            if (counts.Any(c => c >= frames)) return;
            Assert.False(_p.HasExited, $"run ended early: exit {(_p.HasExited ? _p.ExitCode : 0)}: {Stderr}");
            Assert.True(DateTime.UtcNow < deadline, $"not {frames} frames after {timeoutSeconds} s: {Stderr}");
            await Task.Delay(100);
        }
    }

    /// <summary>Sends a signal (TERM, HUP, INT, KILL) to the process, or to its whole group.</summary>
    public void Signal(string signal, bool wholeGroup = false)
        // procps kill needs "--" before a negative id (a group), else it signals nothing and says nothing.
        => PipelineMedia.Tool("kill", "-" + signal, "--", (wholeGroup ? -_p.Id : _p.Id).ToString(CultureInfo.InvariantCulture));

    /// <summary>Waits for the exit (failing the test after <paramref name="timeoutSeconds"/>) and returns what the run left.</summary>
    public async Task<CommandResult> Exit(int timeoutSeconds = 90)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try { await _p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { Assert.Fail($"still running {timeoutSeconds} s after the signal: {Stderr}"); }
        await _stderrDone.WaitAsync(TimeSpan.FromSeconds(30));
        return new CommandResult(_p.ExitCode, await _stdout.WaitAsync(TimeSpan.FromSeconds(30)), Stderr);
    }

    public int[] Children() => ChildrenOf(_p.Id);

    public async ValueTask DisposeAsync()
    {
        if (!_p.HasExited) { _p.Kill(entireProcessTree: true); await _p.WaitForExitAsync(); }
        _p.Dispose();
    }

    /// <summary>Processes whose parent is <paramref name="pid"/>, from /proc/*/stat (field 4 is the parent's id).</summary>
    public static int[] ChildrenOf(int pid)
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
    public static bool Alive(int id) => ReadStat(id) is string stat && stat[(stat.LastIndexOf(')') + 2)] != 'Z';

    /// <summary>Waits up to <paramref name="timeoutSeconds"/> for every process to be gone; returns those still alive.</summary>
    public static async Task<int[]> StillAlive(IEnumerable<int> ids, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        int[] alive;
        while ((alive = ids.Where(Alive).ToArray()).Length > 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        return alive;
    }

    /// <summary>A process's command line (arguments joined by spaces), from /proc.</summary>
    public static string Arguments(int id)
    {
        try { return File.ReadAllText($"/proc/{id}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
    }

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
