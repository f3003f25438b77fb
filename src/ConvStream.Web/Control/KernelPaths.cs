using ConvStream.Engine;

namespace ConvStream.Web.Control;

/// <summary>
/// Files a browser may name in a stage's keys: only inside the pipeline file's folder or the
/// <c>filters/</c> folder (the nearest one above the pipeline file, and the one in the working
/// folder). A relative name is resolved from the pipeline file's folder, as in the file itself
/// (<c>../kernels/sharpen.json</c> from <c>filters/pipelines/</c> is fine); absolute names and any
/// name that leads elsewhere (<c>../../etc/passwd</c>) are refused.
/// </summary>
internal sealed class KernelPaths
{
    /// <summary>The keys of any op that name files (conv's kernel, conv2d's weights and bias).</summary>
    public static readonly string[] FileKeys = ["kernel", "weights", "bias"];

    private readonly string _baseDirectory;
    private readonly string[] _roots;

    public KernelPaths(string pipelineDirectory)
    {
        _baseDirectory = Path.GetFullPath(pipelineDirectory);
        var roots = new List<string> { _baseDirectory };
        for (var d = new DirectoryInfo(_baseDirectory); d is not null; d = d.Parent)
            if (d.Name == "filters") { roots.Add(d.FullName); break; }
        string cwdFilters = Path.GetFullPath("filters");
        if (Directory.Exists(cwdFilters)) roots.Add(cwdFilters);
        _roots = roots.Distinct().ToArray();
    }

    public IReadOnlyList<string> Roots => _roots;

    /// <summary>Throws a one-line error when <paramref name="value"/> of <paramref name="key"/> names a file outside the allowed folders.</summary>
    public void Check(string context, string key, string value)
    {
        if (!FileKeys.Contains(key, StringComparer.OrdinalIgnoreCase)) return;
        string where = $"{context}: key '{key}'";
        if (Path.IsPathRooted(value) || value.StartsWith('~'))
            throw new ConvStreamException($"{where}: '{value}' is an absolute path; name a file relative to the pipeline's folder, inside it or filters/");
        string full = Path.GetFullPath(Path.Combine(_baseDirectory, value));
        if (!_roots.Any(r => full.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            throw new ConvStreamException($"{where}: '{value}' lies outside the pipeline's folder and filters/; kernel files changed from the browser must lie there");
    }
}
