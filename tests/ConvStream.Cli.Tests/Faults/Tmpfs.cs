using System.Diagnostics;

namespace ConvStream.Cli.Tests.Faults;

/// <summary>
/// A small tmpfs mounted for one test (a full disk of a known size, or a read-only folder), and
/// unmounted afterwards. Needs root (CI runs as root); <see cref="TryMount"/> says why not otherwise,
/// and the test skips with that reason.
/// </summary>
internal sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs with <paramref name="options"/> ("size=200k", "ro,size=64k") at a new folder; null and a reason when that is not possible.</summary>
    public static Tmpfs? TryMount(string options, out string reason)
    {
        reason = "";
        if (!OperatingSystem.IsLinux()) { reason = "tmpfs mounts are Linux only"; return null; }
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "convstream-tmpfs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var (code, err) = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir);
        if (code == 0) return new Tmpfs(dir);
        Directory.Delete(dir);
        reason = $"cannot mount a tmpfs ({options}) here: mount exit {code}: {err.Trim()} (needs root, as in CI)";
        return null;
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }

    private static (int Code, string Stderr) Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(30_000)) { p.Kill(true); return (-1, "timed out"); }
            return (p.ExitCode, err.Result);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }
}
