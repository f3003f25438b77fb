using ConvStream.Engine;

namespace ConvStream.Media.Sinks;

/// <summary>
/// An output written under a temporary name beside its target (same folder, same extension so
/// ffmpeg picks the same muxer) and renamed over the target when finished. A sink that could not
/// even start leaves nothing behind; one that stopped early still gets its frames renamed into place.
/// </summary>
internal sealed class OutputFile
{
    public OutputFile(string path)
    {
        Target = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(Target);
        if (dir is not null && !Directory.Exists(dir))
            throw new ConvStreamException($"{path}: output folder {dir} does not exist");
        string name = Path.GetFileNameWithoutExtension(Target);
        Temporary = Path.Combine(dir ?? ".", $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial{Path.GetExtension(Target)}");
    }

    public string Target { get; }
    public string Temporary { get; }

    public void Commit()
    {
        if (File.Exists(Temporary)) File.Move(Temporary, Target, overwrite: true);
    }

    public void Discard()
    {
        try { File.Delete(Temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
