namespace ConvStream.Engine.Io;

/// <summary>
/// Writes a file under a temporary name in the same folder and renames it over the target only when
/// the writer finished without error, so a failure never leaves a half-written output behind.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> writer)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir))
            throw new ConvStreamException($"{path}: output folder {dir} does not exist");
        string temp = Path.Combine(dir ?? ".", $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                writer(stream);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            TryDelete(temp);
            throw new ConvStreamException($"{path}: permission denied", e);
        }
        catch (IOException e)
        {
            // A full disk, a read-only file system, a name that is a folder: the user's to fix, not a bug.
            TryDelete(temp);
            throw new ConvStreamException(Directory.Exists(full) ? $"{path}: is a folder; expected a file name" : $"{path}: cannot be written: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
