using System.Globalization;
using ConvStream.Pipeline.Runtime;

namespace ConvStream.Cli.Commands;

/// <summary>
/// The offline progress line on stderr: a bar when the frame count is known, frames written,
/// frames/s and ETA. Redrawn in place with a carriage return; when stderr is not a terminal, at
/// most once a second so logs stay small.
/// </summary>
internal sealed class RunProgress(PipelineRunner runner, long? total)
{
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly DateTime _start = DateTime.UtcNow;
    private DateTime _last;
    private int _width;

    public async Task WatchAsync(Task run)
    {
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(_terminal ? 200 : 1000)).ConfigureAwait(false);
            Draw(false);
        }
        Draw(true);
    }

    private void Draw(bool final)
    {
        var now = DateTime.UtcNow;
        if (!final && now - _last < TimeSpan.FromMilliseconds(_terminal ? 150 : 950)) return;
        _last = now;
        long done = runner.FramesWritten;
        double seconds = Math.Max(1e-3, (now - _start).TotalSeconds);
        double fps = done / seconds;
        string line;
        if (total is long n && n > 0)
        {
            double f = Math.Clamp((double)done / n, 0, 1);
            int filled = (int)(f * 30);
            string eta = fps > 0 && done < n ? TimeSpan.FromSeconds((n - done) / fps).ToString(@"m\:ss", CultureInfo.InvariantCulture) : "0:00";
            line = string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('-', 30 - filled)}] {done}/{n} frames  {fps:F1} fps  ETA {eta}");
        }
        else line = string.Create(CultureInfo.InvariantCulture, $"{done} frames  {fps:F1} fps  {seconds:F0} s");
        _width = Math.Max(_width, line.Length);
        Console.Error.Write("\r" + line.PadRight(_width));
        if (final) Console.Error.WriteLine();
    }
}
