using System.Globalization;

namespace ConvStream.Cli.Tests.Faults;

/// <summary>
/// Finds every process a <c>convstream</c> run started, however it ended: the run gets an
/// environment variable with a value of its own, which every process it starts inherits (ffmpeg,
/// ffprobe, segment workers and their ffmpeg). Neither the parent id nor the session would do:
/// ConvStream starts its children in their own session (setsid), and a child whose parent died is
/// adopted by init. After the run has exited, <see cref="Leftovers"/> must be empty. Linux (/proc);
/// /proc/PID/environ of our own processes is readable without privileges.
/// </summary>
internal sealed class RunTag
{
    public const string Variable = "CONVSTREAM_TEST_RUN_TAG";

    public string Value { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The environment entry that marks the run (for <see cref="ConvstreamProcess.Run(string, IReadOnlyDictionary{string, string?}, string[])"/>).</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { [Variable] = Value };

    /// <summary>Processes carrying the tag that are alive now (zombies, already dead and waiting to be reaped, do not count).</summary>
    public int[] Alive()
    {
        byte[] marker = System.Text.Encoding.ASCII.GetBytes($"{Variable}={Value}\0");
        var ids = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int id) || id == System.Environment.ProcessId) continue;
            byte[] environ;
            try { environ = File.ReadAllBytes(Path.Combine(dir, "environ")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (environ.AsSpan().IndexOf(marker) >= 0 && LongRun.Alive(id)) ids.Add(id);
        }
        return [.. ids];
    }

    /// <summary>
    /// After the run exited: waits up to <paramref name="timeoutSeconds"/> for every tagged process
    /// to be gone (a child killed at exit takes a moment to disappear) and returns those still
    /// alive, each with its command line, for the assertion's message.
    /// </summary>
    public async Task<string[]> Leftovers(int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        int[] alive;
        while ((alive = Alive()).Length > 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        return alive.Select(id => $"{id}: {LongRun.Arguments(id)}").ToArray();
    }
}
