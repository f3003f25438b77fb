using System.Diagnostics;
using System.Globalization;

namespace ConvStream.Cli.Commands;

/// <summary>
/// Adam's progress line on stderr: a bar, step, loss and ETA, redrawn in place with a carriage
/// return on a terminal (at most every 150 ms); when stderr is not a terminal, a line at most every
/// 5 s, so logs stay small.
/// </summary>
internal sealed class FitProgress
{
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly long _start = Stopwatch.GetTimestamp();
    private TimeSpan? _last;
    private int _width;

    public void Report(int step, int steps, double loss)
    {
        var elapsed = Stopwatch.GetElapsedTime(_start);
        bool final = step == steps;
        if (!final && _last is { } last && elapsed - last < TimeSpan.FromMilliseconds(_terminal ? 150 : 5000)) return;
        _last = elapsed;
        double f = (double)step / steps;
        int filled = (int)(f * 30);
        var eta = TimeSpan.FromSeconds(elapsed.TotalSeconds / step * (steps - step));
        string line = string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('-', 30 - filled)}] step {step}/{steps}  loss {loss:G4}  ETA {eta:m\\:ss}");
        if (_terminal)
        {
            _width = Math.Max(_width, line.Length);
            Console.Error.Write("\r" + line.PadRight(_width));
            if (final) Console.Error.WriteLine();
        }
        else Console.Error.WriteLine(line);
    }
}
