using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using ConvStream.Engine;
using ConvStream.Media.Segments;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream run PIPELINE --segments N</c>: the segments of one video file as N worker processes
/// of this same executable (<c>run ... --segment I/N</c>), a progress line showing every worker,
/// then the join. A failed worker stops the others and the error names its segment; Ctrl+C (or
/// SIGTERM) is passed on to every worker, and nothing is joined, so no partial output appears.
/// </summary>
internal static partial class SegmentWorkers
{
    public static int Execute(RunCommand.RunRequest r, int requested, string[] args)
    {
        var (_, _, plan, _, _) = SegmentRun.Prepare(r, requested);
        if (plan.Note is string note) Console.Error.WriteLine($"convstream run: {note}");
        // A new plan: segments of an earlier run (perhaps of another N) must not be joined with these.
        string root = Path.Combine(r.OutputDirectory, "segments");
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        Directory.CreateDirectory(root);

        using var signals = new RunSignals(line => Console.Error.WriteLine($"\nconvstream run: {line}"));
        var workers = plan.Segments.Select(s => Worker.Start(s.Index, WorkerArguments(args, s.Index, requested))).ToList();
        using var stop = signals.Stopping.Register(() => workers.ForEach(w => w.Interrupt()));
        using var abort = signals.Aborting.Register(() => workers.ForEach(w => w.Kill()));
        Worker? failed = null;
        Display.SegmentProgressView.Watch(
            () => workers.Select(w => new Display.SegmentProgressView.Worker(w.Index, w.Done, plan.Segments[w.Index].Frames, w.Exited ? w.ExitCode : null)).ToList(),
            plan.Index.FrameCount, () => workers.All(w => w.Exited), () =>
            {
                if (failed is null && signals.First is null && workers.FirstOrDefault(w => w.Exited && w.ExitCode != 0) is Worker f)
                {
                    failed = f;
                    // The others' work is lost anyway: stop them as Ctrl+C would (each closes its outputs).
                    foreach (var w in workers) if (w != f) w.Interrupt();
                }
            });
        foreach (var w in workers) w.WaitForOutput();
        if (signals.First is not null)
        {
            Console.Error.WriteLine($"convstream run: interrupted by {RunSignals.Name(signals.First)}: {workers.Count} workers stopped, nothing joined");
            return signals.ExitCode;
        }
        if (failed is not null)
            throw new ConvStreamException($"segment {failed.Index}/{plan.Count} failed (worker exit {failed.ExitCode}): {failed.LastError}; the other workers were stopped, nothing joined; " +
                $"run it again with --segment {failed.Index}/{requested}, then 'convstream join {r.OutputDirectory}'");
        foreach (var w in workers) foreach (string line in w.Report) Console.Out.WriteLine(line);
        foreach (string line in SegmentJoin.Join(r.OutputDirectory, signals.Stopping)) Console.Out.WriteLine(line);
        return 0;
    }

    /// <summary>This run's own arguments with --segments N replaced by --segment I/N.</summary>
    private static List<string> WorkerArguments(string[] args, int index, int requested)
    {
        var list = new List<string> { "run" };
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--segments") { i++; continue; }
            if (args[i].StartsWith("--segments=", StringComparison.Ordinal)) continue;
            list.Add(args[i]);
        }
        list.AddRange(["--segment", $"{index}/{requested}"]);
        return list;
    }

    /// <summary>One worker process: its progress (parsed from its progress line) and its last error line.</summary>
    private sealed partial class Worker
    {
        private readonly Process _process;
        private readonly Task _stderr, _stdout;
        private readonly List<string> _report = new();
        private volatile string _lastError = "";

        private Worker(int index, Process process)
        {
            Index = index;
            _process = process;
            _stderr = Task.Run(ReadStderr);
            _stdout = Task.Run(ReadStdout);
        }

        public int Index { get; }
        public long Done { get; private set; }
        public bool Exited => _process.HasExited;
        public int ExitCode => _process.ExitCode;
        public string LastError => _lastError.Length > 0 ? _lastError : "no message";
        public IReadOnlyList<string> Report => _report;

        public static Worker Start(int index, List<string> arguments)
        {
            // The same executable: the apphost, or dotnet with convstream.dll.
            string self = Environment.ProcessPath ?? throw new ConvStreamException("--segments: cannot tell which executable this is to start workers");
            var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(CliApp).Assembly.Location);
            foreach (string a in arguments) psi.ArgumentList.Add(a);
            var p = Process.Start(psi) ?? throw new ConvStreamException($"segment {index}: cannot start {self}");
            return new Worker(index, p);
        }

        private async Task ReadStderr()
        {
            var line = new StringBuilder();
            var buffer = new char[4096];
            var reader = _process.StandardError;
            for (int n; (n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0;)
                for (int i = 0; i < n; i++)
                {
                    // The worker's stderr is a pipe, so its progress comes as whole lines (RunProgressView); \r is taken as an end of line too.
                    if (buffer[i] is '\r' or '\n') { Take(line.ToString()); line.Clear(); }
                    else line.Append(buffer[i]);
                }
            Take(line.ToString());
        }

        private void Take(string line)
        {
            line = line.Trim();
            if (line.Length == 0) return;
            var m = ProgressLine().Match(line);
            if (m.Success) { Done = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture); return; }
            const string prefix = "convstream run: ";
            if (line.StartsWith(prefix, StringComparison.Ordinal)) _lastError = line[prefix.Length..];
        }

        private async Task ReadStdout()
        {
            for (string? line; (line = await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false)) is not null;)
                if (line.StartsWith("segment ", StringComparison.Ordinal)) lock (_report) _report.Add(line);
        }

        public void WaitForOutput()
        {
            _process.WaitForExit();
            Task.WaitAll(_stderr, _stdout);
        }

        /// <summary>
        /// SIGTERM: the worker finishes its frames in flight and closes its outputs (RunSignals).
        /// Not SIGINT: a shell starts background jobs with SIGINT ignored, and the workers inherit
        /// that. After a Ctrl+C in a terminal the workers get SIGINT too; the second signal only
        /// makes them stop faster.
        /// </summary>
        public void Interrupt()
        {
            if (_process.HasExited) return;
            if (OperatingSystem.IsWindows()) { Kill(); return; }
            if (SendSignal(_process.Id, SigTerm) != 0) Kill();
        }

        private const int SigTerm = 15;

        public void Kill()
        {
            try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
        }

        [LibraryImport("libc", EntryPoint = "kill")]
        private static partial int SendSignal(int pid, int signal);

        [GeneratedRegex(@"^(?:\[[#-]*\] )?(\d+)(?:/\d+)? frames")]
        private static partial Regex ProgressLine();
    }
}
