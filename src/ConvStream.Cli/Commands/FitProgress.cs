using System.Diagnostics;
using System.Globalization;

namespace ConvStream.Cli.Commands;

/// <summary>
/// The fit's progress line on stderr: a bar, then the normal equations' rows or Adam's step and
/// loss, and the ETA. Redrawn in place with a carriage return on a terminal (at most every 150 ms);
/// when stderr is not a terminal, a line at most every 5 s, so logs stay small. A least-squares fit
/// that finishes within a second draws nothing.
/// </summary>
internal sealed class FitProgress : Engine.Fitting.IFitProgress
{
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _phaseStart = Stopwatch.GetTimestamp();
    private TimeSpan? _last;
    private bool _open;
    private int _width;

    public void Equations(int done, int bands)
    {
        var elapsed = Stopwatch.GetElapsedTime(_start);
        if (elapsed < TimeSpan.FromSeconds(1) && done < bands) return;
        if (!_open && done == bands) return;                 // finished before the line was worth drawing
        Draw(done, bands, "normal equations", $"{done}/{bands} bands", done == bands);
    }

    public void Step(int step, int steps, double loss)
    {
        if (step == 1) _phaseStart = Stopwatch.GetTimestamp();
        Draw(step, steps, "Adam", string.Create(CultureInfo.InvariantCulture, $"step {step}/{steps}  loss {loss:G4}"), step == steps);
    }

    private void Draw(int done, int total, string what, string detail, bool final)
    {
        var elapsed = Stopwatch.GetElapsedTime(_start);
        if (!final && _last is { } last && elapsed - last < TimeSpan.FromMilliseconds(_terminal ? 150 : 5000)) return;
        _last = elapsed;
        int filled = (int)((double)done / total * 30);
        double phase = Stopwatch.GetElapsedTime(_phaseStart).TotalSeconds;
        var eta = TimeSpan.FromSeconds(phase / Math.Max(1, done) * (total - done));
        string line = string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('-', 30 - filled)}] {what}: {detail}  ETA {eta:m\\:ss}");
        if (_terminal)
        {
            _width = Math.Max(_width, line.Length);
            Console.Error.Write("\r" + line.PadRight(_width));
            _open = !final;
            if (final) Console.Error.WriteLine();
        }
        else
        {
            Console.Error.WriteLine(line);
            _open = !final;
        }
    }
}
