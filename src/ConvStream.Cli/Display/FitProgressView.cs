using System.Diagnostics;
using System.Globalization;
using ConvStream.Engine.Fitting;
using Spectre.Console;

namespace ConvStream.Cli.Display;

/// <summary>
/// The progress of <c>convstream fit</c> on stderr: the normal equations' bands, or Adam's steps with
/// the loss, and the ETA. On a terminal a Spectre.Console bar per phase; elsewhere the plain line it has always printed, at
/// most every 5 s and once at the end (<c>[##############################] Adam: step 200/200  loss 0.001234  ETA 0:00</c>),
/// so logs stay small. A least-squares fit that finishes within a second shows nothing.
/// </summary>
internal static class FitProgressView
{
    /// <summary>Runs <paramref name="fit"/> with the progress display that suits stderr.</summary>
    public static T Run<T>(Func<IFitProgress, T> fit)
        => Terminal.Rich(Console.Error) is { } console ? Live(console, fit) : Plain(Console.Error, fit);

    public static T Plain<T>(TextWriter writer, Func<IFitProgress, T> fit) => fit(new PlainProgress(writer));

    public static T Live<T>(IAnsiConsole console, Func<IFitProgress, T> fit)
        => console.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context => fit(new LiveProgress(context)));

    /// <summary>"normal equations: 3/8 bands" or "Adam: step 12/500  loss 0.0123".</summary>
    internal static string Text(string what, string detail) => $"{what}: {detail}";

    private static string Steps(int step, int steps, double loss) => string.Create(CultureInfo.InvariantCulture, $"step {step}/{steps}  loss {loss:G4}");

    private sealed class LiveProgress(ProgressContext context) : IFitProgress
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private ProgressTask? _equations, _adam;

        public void Equations(int done, int bands)
        {
            // Fits that are over within a second get no bar.
            if (_equations is null && (Stopwatch.GetElapsedTime(_start) < TimeSpan.FromSeconds(1) || done == bands)) return;
            _equations ??= context.AddTask("normal equations", maxValue: bands);
            _equations.Value = done;
            _equations.Description = Text("normal equations", $"{done}/{bands} bands");
        }

        public void Step(int step, int steps, double loss)
        {
            _adam ??= context.AddTask("Adam", maxValue: steps);
            _adam.Value = step;
            _adam.Description = Markup.Escape(Text("Adam", Steps(step, steps, loss)));
        }
    }

    private sealed class PlainProgress(TextWriter writer) : IFitProgress
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private long _phaseStart = Stopwatch.GetTimestamp();
        private TimeSpan? _last;
        private bool _open;

        public void Equations(int done, int bands)
        {
            if (Stopwatch.GetElapsedTime(_start) < TimeSpan.FromSeconds(1) && done < bands) return;
            if (!_open && done == bands) return;             // finished before a line was worth writing
            Line(done, bands, Text("normal equations", $"{done}/{bands} bands"), done == bands);
        }

        public void Step(int step, int steps, double loss)
        {
            if (step == 1) _phaseStart = Stopwatch.GetTimestamp();
            Line(step, steps, Text("Adam", Steps(step, steps, loss)), step == steps);
        }

        private void Line(int done, int total, string text, bool final)
        {
            var elapsed = Stopwatch.GetElapsedTime(_start);
            if (!final && _last is { } last && elapsed - last < TimeSpan.FromSeconds(5)) return;
            _last = elapsed;
            _open = !final;
            double phase = Stopwatch.GetElapsedTime(_phaseStart).TotalSeconds;
            var eta = TimeSpan.FromSeconds(phase / Math.Max(1, done) * (total - done));
            int filled = (int)((double)done / total * 30);
            try { writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('-', 30 - filled)}] {text}  ETA {eta:m\\:ss}")); }
            catch (IOException) { }
        }
    }
}
