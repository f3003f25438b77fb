using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using ConvStream.Engine;

namespace ConvStream.Media.Ffmpeg;

/// <summary>
/// One ffmpeg/ffprobe/ffplay child: raw frames over stdin/stdout, stderr drained on its own thread
/// into a <see cref="StderrTail"/> (a full stderr pipe would block ffmpeg). Every child is recorded
/// until it has exited, and a process-exit hook kills whatever is still running, so no ffmpeg
/// outlives ConvStream whatever happens (errors, cancellation, a consumer that throws).
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly ConcurrentDictionary<int, ChildProcess> Running = new();
    private static int _hookInstalled;

    private readonly Process _process;
    private readonly Thread _stderrThread;
    private int _disposed;

    private ChildProcess(Process process, string what, int stderrLines)
    {
        Stderr = new StderrTail(stderrLines);
        _process = process;
        What = what;
        Id = process.Id;
        Stdin = process.StartInfo.RedirectStandardInput ? process.StandardInput.BaseStream : null;
        Stdout = process.StartInfo.RedirectStandardOutput ? process.StandardOutput.BaseStream : null;
        var stderr = process.StandardError;
        _stderrThread = new Thread(() =>
        {
            try
            {
                string? line;
                while ((line = stderr.ReadLine()) is not null) Stderr.Add(line);
            }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
        })
        { IsBackground = true, Name = $"stderr of {what} {process.Id}" };
        _stderrThread.Start();
    }

    /// <summary>What this child does, for messages ("ffmpeg decoding in.mp4").</summary>
    public string What { get; }
    public int Id { get; }
    public Stream? Stdin { get; private set; }
    public Stream? Stdout { get; }
    public StderrTail Stderr { get; }

    /// <summary>
    /// Runs when the process-exit hook has let this child finish on its own (an encoder moving its
    /// finished file into place), so an abrupt exit still leaves the output where it belongs.
    /// </summary>
    public Action? OnFinishedAtExit { get; set; }

    /// <summary>Process ids of children started and not yet known to have exited (for tests and diagnostics).</summary>
    public static IReadOnlyCollection<int> RunningIds => Running.Keys.ToArray();

    public bool HasExited
    {
        get { try { return _process.HasExited; } catch (InvalidOperationException) { return true; } }
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// How the process ended, for messages: "exited with code 1", or "was killed by signal 9
    /// (SIGKILL)". .NET reports a child ended by a signal as exit code 128 + the signal's number.
    /// </summary>
    public string ExitDescription => HasExited ? DescribeExit(ExitCode) : "is still running";

    public static string DescribeExit(int code)
    {
        if (OperatingSystem.IsWindows() || code <= 128 || code > 128 + 64) return $"exited with code {code}";
        int signal = code - 128;
        string? name = signal switch { 1 => "SIGHUP", 2 => "SIGINT", 3 => "SIGQUIT", 6 => "SIGABRT", 9 => "SIGKILL", 11 => "SIGSEGV", 13 => "SIGPIPE", 15 => "SIGTERM", _ => null };
        return name is null ? $"was killed by signal {signal}" : $"was killed by signal {signal} ({name})";
    }

    public static ChildProcess Start(string executable, IEnumerable<string> arguments, string what,
        bool redirectStdin, bool redirectStdout, IReadOnlyDictionary<string, string>? environment = null, int stderrLines = 20)
    {
        InstallExitHook();
        // A terminal's Ctrl+C signals the whole foreground process group. ffmpeg dies on SIGINT,
        // so an encoder would stop before ConvStream has drained its frames (the file loses its last
        // frames and the run fails with "the encoder stopped"). ConvStream stops its children itself
        // (stdin closed, then killed), so they run in their own session, out of the terminal's reach.
        string? setsid = OperatingSystem.IsWindows() ? null : Setsid.Value;
        var info = new ProcessStartInfo(setsid ?? executable)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = redirectStdin,
            RedirectStandardOutput = redirectStdout,
            RedirectStandardError = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        // setsid execs the program in place (no fork: our child is never a group leader), so the
        // process id stays ffmpeg's own.
        if (setsid is not null) info.ArgumentList.Add(executable);
        foreach (string a in arguments) info.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new ConvStreamException($"{what}: {executable} did not start");
        }
        catch (Win32Exception e)
        {
            throw new ConvStreamException($"{what}: cannot run {executable} ({e.Message}); {FfmpegLocator.InstallHint}", e);
        }
        var child = new ChildProcess(process, what, stderrLines);
        Running[child.Id] = child;
        return child;
    }

    /// <summary>Closes stdin so an encoder finishes its file (last frames, container index) and exits by itself.</summary>
    public void CloseStdin()
    {
        var s = Stdin;
        Stdin = null;
        if (s is null) return;
        try { s.Dispose(); } catch (IOException) { }
    }

    /// <summary>Waits for the process to exit and for its stderr to be fully read; false on timeout.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit();
        _stderrThread.Join(TimeSpan.FromSeconds(5));
        Running.TryRemove(Id, out _);
        return true;
    }

    /// <summary>Kills the process and its children (ffmpeg may spawn none, ffplay none, a wrapper script some).</summary>
    public void Kill()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        catch (Win32Exception) { }
        WaitForExit(TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Stops the child: closes stdin, gives it <paramref name="grace"/> to exit on its own (an
    /// encoder writes its trailer then), and kills the tree if it has not.
    /// </summary>
    public void Stop(TimeSpan grace)
    {
        CloseStdin();
        if (!WaitForExit(grace)) Kill();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (!HasExited) Kill();
        else WaitForExit(TimeSpan.FromSeconds(5));
        try { Stdout?.Dispose(); } catch (IOException) { }
        CloseStdin();
        Running.TryRemove(Id, out _);
        _process.Dispose();
    }

    /// <summary>util-linux's setsid when installed (Linux); macOS has none, and its children then share our group.</summary>
    private static readonly Lazy<string?> Setsid = new(() => new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists));

    internal static void InstallExitHook()
    {
        if (Interlocked.Exchange(ref _hookInstalled, 1) != 0) return;
        // Runs on normal exit and on SIGTERM/Ctrl+C handled by the runtime: nothing we started may
        // outlive us. Encoders first get their stdin closed and a short grace to write their trailer.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            var children = Running.Values.ToArray();
            var encoders = children.Where(c => c.Stdin is not null).ToArray();
            foreach (var child in children.Except(encoders))
            {
                try { child._process.Kill(entireProcessTree: true); } catch (Exception) { }
            }
            foreach (var child in encoders)
            {
                try { child.CloseStdin(); } catch (Exception) { }
            }
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
            foreach (var child in encoders)
            {
                try
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left > TimeSpan.Zero && child._process.WaitForExit(left)) child.OnFinishedAtExit?.Invoke();
                    else child._process.Kill(entireProcessTree: true);
                }
                catch (Exception) { }
            }
        };
    }
}
