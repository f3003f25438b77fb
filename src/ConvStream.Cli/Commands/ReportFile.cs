using ConvStream.Engine;

namespace ConvStream.Cli.Commands;

/// <summary>
/// The report files a command writes after its work (<c>bench --json/--markdown</c>, the
/// <c>--plot</c> pictures): checked before the work starts, so a minute of benchmarking is not
/// thrown away on a path that can never be written. The file itself is written atomically later.
/// </summary>
internal static class ReportFile
{
    /// <summary>Refuses (exit 1) a path whose folder does not exist, or that names a folder.</summary>
    public static void Check(string path, string option)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new ConvStreamException($"option {option} {path}: is a folder; expected a file name");
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir))
            throw new ConvStreamException($"option {option} {path}: folder {dir} does not exist");
    }
}
