namespace ConvStream.Cli;

/// <summary>
/// The files that ship beside the program: the repository's <c>filters/</c> (pipeline and kernel
/// files) and <c>media/sample.mp4</c>, which the dotnet tool package carries in its own folder. A
/// relative path that starts with <c>filters/</c> and does not exist relative to the working
/// directory is looked for there instead, so <c>convstream run filters/pipelines/demo.json</c>
/// works from any folder once the tool is installed. The working directory always wins: a
/// <c>filters/</c> of the user's own is never shadowed, and a path found in neither place is left
/// as it was, so the error names the path the user typed.
/// </summary>
internal static class ShippedFiles
{
    /// <summary>The first folder of every path this class may redirect.</summary>
    public const string FiltersFolder = "filters";

    /// <summary>The program's own folder: where <c>dotnet tool install</c> put the shipped files.</summary>
    public static string ToolFolder => AppContext.BaseDirectory;

    /// <summary><paramref name="path"/> itself, or the shipped file it names when only that exists.</summary>
    public static string Resolve(string path) => Resolve(path, Directory.GetCurrentDirectory(), ToolFolder);

    internal static string Resolve(string path, string workingDirectory, string toolFolder)
    {
        if (Path.IsPathRooted(path) || !UnderFilters(path)) return path;
        if (File.Exists(Path.Combine(workingDirectory, path)) || Directory.Exists(Path.Combine(workingDirectory, path))) return path;
        string shipped = Path.GetFullPath(Path.Combine(toolFolder, path));
        return File.Exists(shipped) ? shipped : path;
    }

    /// <summary>A stage's keys with every <c>filters/…</c> value (a kernel or weights file) resolved as <see cref="Resolve(string)"/> does.</summary>
    public static IReadOnlyDictionary<string, string> ResolveKeys(IReadOnlyDictionary<string, string> keys)
    {
        Dictionary<string, string>? resolved = null;
        foreach (var (key, value) in keys)
        {
            string path = Resolve(value);
            if (ReferenceEquals(path, value)) continue;
            resolved ??= new Dictionary<string, string>(keys, StringComparer.OrdinalIgnoreCase);
            resolved[key] = path;
        }
        return resolved ?? keys;
    }

    private static bool UnderFilters(string path)
    {
        string p = path.Replace('\\', '/');
        while (p.StartsWith("./", StringComparison.Ordinal)) p = p[2..];
        return p.StartsWith(FiltersFolder + "/", StringComparison.Ordinal);
    }
}
