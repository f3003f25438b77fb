using ConvStream.Engine;

namespace ConvStream.Media.Ffmpeg;

/// <summary>
/// Finds the ffmpeg, ffprobe and ffplay executables: an explicit path (the CLI's <c>--ffmpeg</c>)
/// first, then the <c>CONVSTREAM_FFMPEG</c> environment variable, then PATH. Either may name the
/// ffmpeg executable or the folder holding it; ffprobe and ffplay are looked for beside it. A
/// missing tool is a one-line error that says how to install it.
/// </summary>
public static class FfmpegLocator
{
    public const string EnvironmentVariable = "CONVSTREAM_FFMPEG";

    /// <summary>Set once by a front end (<c>--ffmpeg PATH</c>); used when an option carries no path of its own.</summary>
    public static string? DefaultPath { get; set; }

    public static string InstallHint =>
        "install it (Debian/Ubuntu: sudo apt-get install ffmpeg; Windows: winget install ffmpeg; macOS: brew install ffmpeg) "
        + $"or point --ffmpeg PATH or {EnvironmentVariable} at an ffmpeg executable";

    /// <summary>The path of <paramref name="tool"/> ("ffmpeg", "ffprobe" or "ffplay").</summary>
    public static string Find(string tool, string? explicitPath = null)
        => Find(tool, explicitPath ?? DefaultPath, Environment.GetEnvironmentVariable);

    internal static string Find(string tool, string? explicitPath, Func<string, string?> environment)
    {
        string exe = OperatingSystem.IsWindows() ? tool + ".exe" : tool;
        if (!string.IsNullOrWhiteSpace(explicitPath))
            return Beside(explicitPath, exe, tool, "--ffmpeg");
        string? fromEnv = environment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return Beside(fromEnv, exe, tool, EnvironmentVariable);
        string? path = environment("PATH");
        if (path is not null)
            foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = Path.Combine(dir.Trim('"'), exe);
                if (File.Exists(candidate)) return candidate;
            }
        throw new ConvStreamException($"{tool} was not found on PATH; {InstallHint}");
    }

    // The configured path may name ffmpeg itself or its folder; the other tools live beside it.
    private static string Beside(string configured, string exe, string tool, string origin)
    {
        string dir;
        if (Directory.Exists(configured)) dir = configured;
        else if (File.Exists(configured))
        {
            if (tool == "ffmpeg") return configured;
            dir = Path.GetDirectoryName(Path.GetFullPath(configured)) ?? ".";
        }
        else
            throw new ConvStreamException($"{origin} names '{configured}', which does not exist; {InstallHint}");
        string candidate = Path.Combine(dir, exe);
        if (File.Exists(candidate)) return candidate;
        throw new ConvStreamException($"{tool} was not found in {dir} (from {origin}); {InstallHint}");
    }
}
