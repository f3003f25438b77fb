using ConvStream.Engine;
using ConvStream.Pipeline.Files;

namespace ConvStream.Cli.Commands;

/// <summary>
/// Every output path of a run, resolved against <c>--output</c> and checked before the source is
/// opened, so a bad path costs nothing and leaves nothing: the name is not a folder (or, for an
/// image folder, not a file), it stays inside the output folder unless
/// <c>--allow-outside-output</c>, it is not the source itself, no two outputs share it, and the
/// nearest folder that exists can be written (a probe file is created and deleted: permissions,
/// read-only mounts and root all answer the same way) and has some free space. Nothing is created
/// here; <see cref="CreateFolders"/> does that once the whole run has been validated, and
/// <see cref="RemoveCreatedFolders"/> undoes it when the run fails before its first frame.
/// </summary>
internal sealed class OutputPaths
{
    /// <summary>Less free space than this on an output's file system is refused before the first frame.</summary>
    public const long MinimumFreeBytes = 64 * 1024;

    private readonly Dictionary<string, string> _byOutput = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _display = new(StringComparer.Ordinal);
    private readonly List<string> _created = new();

    private OutputPaths(string directory) => Directory = directory;

    /// <summary>The --output folder, absolute.</summary>
    public string Directory { get; }

    /// <summary>An output's path as the user wrote it under --output (a file, or an image folder or pattern), for sinks and messages.</summary>
    public string this[string output] => _display[output];

    /// <summary>Folders that will hold outputs (for the stale-partials sweep).</summary>
    public IEnumerable<string> Folders => _byOutput.Values.Select(p => Path.GetDirectoryName(p)!).Distinct(StringComparer.Ordinal);

    public static OutputPaths Check(PipelineDefinition d, string outputDirectory, string? sourcePath, bool allowOutside)
    {
        string root = Path.GetFullPath(outputDirectory);
        if (File.Exists(root)) throw new ConvStreamException($"--output {outputDirectory}: is a file; expected a folder");
        var paths = new OutputPaths(root);
        string rootPrefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        string? source = sourcePath is null ? null : Path.GetFullPath(sourcePath);
        var probed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in d.Outputs)
        {
            if (o.Path is null || o.Kind is OutputKind.Null or OutputKind.Preview) continue;
            string where = o.Name == o.Path ? $"{d.FileName}: output '{o.Name}'" : $"{d.FileName}: output '{o.Name}' (path '{o.Path}')";
            string full = Path.GetFullPath(Path.Combine(root, o.Path));
            if (!allowOutside && !full.StartsWith(rootPrefix, StringComparison.Ordinal))
                throw new ConvStreamException($"{where}: leads outside the --output folder {root} (to {full}); give --allow-outside-output to write there");
            bool imageFolder = o.Kind == OutputKind.Images && !o.Path.Contains('%');
            if (imageFolder ? File.Exists(full) : System.IO.Directory.Exists(full))
                throw new ConvStreamException(imageFolder
                    ? $"{where}: {full} is a file; an image output without a %d pattern names a folder"
                    : $"{where}: {full} is a folder; expected a file name");
            if (source is not null && SameFile(full, source))
                throw new ConvStreamException($"{where}: {full} is the source; writing it would destroy the input");
            foreach (var (other, otherPath) in paths._byOutput)
                if (string.Equals(otherPath, full, StringComparison.Ordinal))
                    throw new ConvStreamException($"{where}: path {full} is also output '{other}''s");
            string folder = imageFolder ? full : Path.GetDirectoryName(full)!;
            string existing = NearestExisting(folder, where);
            if (probed.Add(existing)) CheckWritable(existing, where);
            paths._byOutput[o.Name] = full;
            paths._display[o.Name] = Path.Combine(outputDirectory, o.Path);
        }
        return paths;
    }

    /// <summary>Creates the folders the outputs need, remembering the ones that did not exist.</summary>
    public void CreateFolders(PipelineDefinition d)
    {
        foreach (var o in d.Outputs)
        {
            if (!_byOutput.TryGetValue(o.Name, out string? full)) continue;
            string folder = o.Kind == OutputKind.Images && !o.Path!.Contains('%') ? full : Path.GetDirectoryName(full)!;
            var missing = new Stack<string>();
            for (string? f = folder; f is not null && !System.IO.Directory.Exists(f); f = Path.GetDirectoryName(f)) missing.Push(f);
            foreach (string f in missing)
            {
                System.IO.Directory.CreateDirectory(f);
                _created.Add(f);
            }
        }
    }

    /// <summary>Deletes the folders <see cref="CreateFolders"/> made, deepest first, if they are still empty.</summary>
    public void RemoveCreatedFolders()
    {
        for (int i = _created.Count - 1; i >= 0; i--)
        {
            try { if (!System.IO.Directory.EnumerateFileSystemEntries(_created[i]).Any()) System.IO.Directory.Delete(_created[i]); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        _created.Clear();
    }

    private static string NearestExisting(string folder, string where)
    {
        for (string? f = folder; f is not null; f = Path.GetDirectoryName(f))
        {
            if (System.IO.Directory.Exists(f)) return f;
            if (File.Exists(f)) throw new ConvStreamException($"{where}: {f} is a file, so the folder {folder} cannot be made");
        }
        throw new ConvStreamException($"{where}: no part of {folder} exists");
    }

    private static void CheckWritable(string folder, string where)
    {
        string probe = Path.Combine(folder, $".convstream-probe.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConvStreamException($"{where}: the folder {folder} cannot be written ({e.Message.TrimEnd('.')})", e);
        }
        long free;
        try { free = new DriveInfo(folder).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return; } // unknown: let the writes tell
        if (free < MinimumFreeBytes)
            throw new ConvStreamException($"{where}: only {free} bytes free on the file system of {folder}; at least {MinimumFreeBytes} are needed to start");
    }

    /// <summary>The same path, or a symbolic link to the other.</summary>
    private static bool SameFile(string a, string b)
    {
        var cmp = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (string.Equals(a, b, cmp)) return true;
        if (!File.Exists(a) || !File.Exists(b)) return false;
        try
        {
            string ra = new FileInfo(a).ResolveLinkTarget(true)?.FullName ?? a, rb = new FileInfo(b).ResolveLinkTarget(true)?.FullName ?? b;
            return string.Equals(ra, rb, cmp);
        }
        catch (IOException) { return false; }
    }
}
