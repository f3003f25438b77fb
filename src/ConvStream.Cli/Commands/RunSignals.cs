using System.Runtime.InteropServices;

namespace ConvStream.Cli.Commands;

/// <summary>
/// What SIGINT (Ctrl+C), SIGTERM (<c>timeout</c>, systemd, <c>docker stop</c>) and SIGHUP (a closed
/// terminal) do to a run: all three the same, as ffmpeg and GStreamer do. The first stops
/// reading, lets the frames in flight finish and closes every output (<see cref="Stopping"/>); a
/// second one, or <see cref="GracePeriod"/> after the first without the run having ended, stops
/// faster (<see cref="Aborting"/>): frames still queued are dropped and each encoder is closed at
/// once, so every output is still either whole under its name or deleted, never a partial file.
/// A third signal exits at once (the exit hooks stop every child and delete unfinished outputs).
/// The exit status is 128 + the first signal's number (130, 143, 129), as shells report it.
/// </summary>
internal sealed class RunSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly List<PosixSignalRegistration> _registrations = new();
    private readonly Action<string> _say;
    private int _received;
    private Timer? _escalation;

    /// <summary>How long the first signal's orderly stop may take before it turns into the fast one.</summary>
    public static TimeSpan GracePeriod { get; } = TimeSpan.FromSeconds(30);

    public RunSignals(Action<string> say)
    {
        _say = say;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            try { _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal)); }
            catch (PlatformNotSupportedException) { }
        }
    }

    /// <summary>Fires at the first signal: stop reading, drain, close outputs.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Fires at the second signal (or when the orderly stop takes too long): drop what is queued, close outputs now.</summary>
    public CancellationToken Aborting => _abort.Token;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? First { get; private set; }

    /// <summary>128 + the first signal's number (SIGINT 130, SIGTERM 143, SIGHUP 129).</summary>
    public int ExitCode => 128 + First switch
    {
        PosixSignal.SIGTERM => 15,
        PosixSignal.SIGHUP => 1,
        _ => 2,
    };

    public static string Name(PosixSignal? s) => s switch
    {
        PosixSignal.SIGTERM => "SIGTERM",
        PosixSignal.SIGHUP => "SIGHUP",
        _ => "SIGINT",
    };

    private void OnSignal(PosixSignalContext context)
    {
        // Never the runtime's default (ending the process at once, which lost every output).
        context.Cancel = true;
        int n = Interlocked.Increment(ref _received);
        if (n == 1)
        {
            First = context.Signal;
            _say($"{Name(context.Signal)}: stopping: finishing the frames in flight and closing outputs (signal again to stop at once)");
            _escalation = new Timer(_ => Abort($"still stopping after {GracePeriod.TotalSeconds:0} s"), null, GracePeriod, Timeout.InfiniteTimeSpan);
            _stop.Cancel();
        }
        else if (n == 2) Abort($"second signal ({Name(context.Signal)})");
        else
        {
            // A third: the fast stop itself is stuck (an encoder that does not exit). Exit now; the
            // exit hooks still stop every child and delete every unfinished output.
            _say($"third signal ({Name(context.Signal)}): exiting now");
            Environment.Exit(ExitCode);
        }
    }

    private void Abort(string why)
    {
        if (_abort.IsCancellationRequested) return;
        _say($"{why}: stopping now: dropping the frames in flight, closing outputs (an output that cannot finish is deleted)");
        _abort.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _escalation?.Dispose();
        _stop.Dispose();
        _abort.Dispose();
    }
}
