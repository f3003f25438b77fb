using System.Runtime.InteropServices;

namespace ConvStream.Media.OpenCv;

/// <summary>
/// Catches what native decoders print on the process's stderr (libpng's "libpng error: IDAT:
/// incorrect data check", libjpeg's "Corrupt JPEG data: …") while one call runs, so the user sees
/// ConvStream's one-line error (quoting the decoder's words) instead of loose native lines. .NET's
/// own Console writes to a duplicate of fd 2 and is unaffected. Linux only; elsewhere the call just runs.
/// </summary>
internal static partial class NativeStderr
{
    private static readonly Lock Gate = new();

    public static T Capture<T>(Func<T> call, out string captured)
    {
        captured = "";
        if (!OperatingSystem.IsLinux()) return call();
        lock (Gate)
        {
            string temp = Path.Combine(Path.GetTempPath(), $"convstream-stderr-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.DeleteOnClose);
            Flush(0);
            int saved = Dup(2);
            if (saved < 0) return call();
            try
            {
                if (Dup2((int)file.SafeFileHandle.DangerousGetHandle(), 2) < 0) return call();
                return call();
            }
            finally
            {
                Flush(0);
                Dup2(saved, 2);
                Close(saved);
                file.Position = 0;
                using var reader = new StreamReader(file, leaveOpen: true);
                captured = reader.ReadToEnd().Trim();
            }
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "dup")] private static partial int Dup(int fd);
    [LibraryImport("libc.so.6", EntryPoint = "dup2")] private static partial int Dup2(int from, int to);
    [LibraryImport("libc.so.6", EntryPoint = "close")] private static partial int Close(int fd);
    [LibraryImport("libc.so.6", EntryPoint = "fflush")] private static partial int Flush(nint stream);
}
