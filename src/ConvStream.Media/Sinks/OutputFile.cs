using System.Collections.Concurrent;
using ConvStream.Engine;

namespace ConvStream.Media.Sinks;

/// <summary>
/// An output written under a temporary name beside its target (same folder, same extension so
/// ffmpeg picks the same muxer) and renamed over the target only when its writer finished
/// cleanly: a file that is not whole never appears under its final name. Temporaries not
/// committed when the process exits (an error path that forgot, a second signal, Environment.Exit)
/// are deleted by an exit hook; those of a process killed outright (SIGKILL, power loss) carry its
/// process id in their name, so the next run in that folder finds and removes them
/// (<see cref="RemoveStale"/>).
/// </summary>
public sealed class OutputFile
{
    private static readonly ConcurrentDictionary<string, byte> Uncommitted = new();
    private static int _hookInstalled;

    public OutputFile(string path)
    {
        Target = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(Target);
        if (dir is not null && !Directory.Exists(dir))
            throw new ConvStreamException($"{path}: output folder {dir} does not exist");
        if (Directory.Exists(Target))
            throw new ConvStreamException($"{path}: is a folder; expected a file name");
        string name = Path.GetFileNameWithoutExtension(Target);
        Temporary = Path.Combine(dir ?? ".", $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial{Path.GetExtension(Target)}");
        InstallExitHook();
        Uncommitted[Temporary] = 0;
    }

    public string Target { get; }
    public string Temporary { get; }

    /// <summary>True once the finished file is under its final name.</summary>
    public bool Committed { get; private set; }

    /// <summary>Moves the finished file into place; false when there was nothing to move.</summary>
    public bool Commit()
    {
        if (!File.Exists(Temporary)) { Uncommitted.TryRemove(Temporary, out _); return false; }
        File.Move(Temporary, Target, overwrite: true);
        Uncommitted.TryRemove(Temporary, out _);
        Committed = true;
        return true;
    }

    public void Discard()
    {
        TryDelete(Temporary);
        TryDelete(Temporary + ".trim" + Path.GetExtension(Temporary));
        Uncommitted.TryRemove(Temporary, out _);
    }

    /// <summary>
    /// Removes the temporaries (<c>.NAME.PID.GUID.partial.EXT</c>, and the engine's atomic
    /// <c>.NAME.PID.GUID.tmp</c>) that a process which no longer runs left in <paramref name="folder"/>,
    /// and returns one line per file removed. Files of a process id that is running again are left
    /// alone: they may belong to another ConvStream writing to the same folder.
    /// </summary>
    public static IReadOnlyList<string> RemoveStale(string folder)
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder)) return removed;
        string[] names;
        try { names = Directory.GetFiles(folder, ".*"); }
        catch (IOException) { return removed; }
        catch (UnauthorizedAccessException) { return removed; }
        foreach (string file in names)
        {
            var m = StalePattern.Match(Path.GetFileName(file));
            if (!m.Success || !int.TryParse(m.Groups[1].Value, out int pid)) continue;
            if (pid == Environment.ProcessId || ProcessRuns(pid)) continue;
            if (TryDelete(file)) removed.Add($"{file}: removed an unfinished output left by a run that was killed (process {pid} no longer runs)");
        }
        return removed;
    }

    private static readonly System.Text.RegularExpressions.Regex StalePattern =
        new(@"^\..+\.(\d+)\.[0-9a-f]{32}\.(partial\..+|tmp)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static bool ProcessRuns(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static void InstallExitHook()
    {
        if (Interlocked.Exchange(ref _hookInstalled, 1) != 0) return;
        // After the children's hook (exit hooks run in the order they were added), which lets
        // encoders finish and commit their files first.
        Ffmpeg.ChildProcess.InstallExitHook();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (string temp in Uncommitted.Keys) TryDelete(temp);
        };
    }
}
