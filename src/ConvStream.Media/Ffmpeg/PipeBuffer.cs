using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace ConvStream.Media.Ffmpeg;

/// <summary>
/// Enlarges a Linux pipe from its default 64 KiB to 1 MiB (<c>fcntl(F_SETPIPE_SZ)</c>). A 1080p
/// BGR frame is 6.2 MB: with 64 KiB the reader and ffmpeg ping-pong ~95 times per frame; with
/// 1 MiB about 6 (shared/bench/README.md: ~2 ms per 1080p frame saved). Elsewhere it does nothing.
/// </summary>
internal static partial class PipeBuffer
{
    public const int PreferredSize = 1 << 20;
    private const int F_SETPIPE_SZ = 1031;
    private const int F_GETPIPE_SZ = 1032;

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int cmd, int arg);

    /// <summary>Tries to set the pipe behind <paramref name="stream"/> to <see cref="PreferredSize"/>; returns the size it has afterwards, or 0 when unknown.</summary>
    public static int Enlarge(Stream stream)
    {
        if (!OperatingSystem.IsLinux() || stream is not PipeStream pipe) return 0;
        try
        {
            int fd = (int)pipe.SafePipeHandle.DangerousGetHandle();
            // Fails (EPERM) when above /proc/sys/fs/pipe-max-size for unprivileged users: keep the default then.
            Fcntl(fd, F_SETPIPE_SZ, PreferredSize);
            int size = Fcntl(fd, F_GETPIPE_SZ, 0);
            return size > 0 ? size : 0;
        }
        catch (DllNotFoundException) { return 0; }
        catch (EntryPointNotFoundException) { return 0; }
    }

    /// <summary>The current capacity of the pipe behind <paramref name="stream"/>, or 0 when unknown.</summary>
    public static int SizeOf(Stream stream)
    {
        if (!OperatingSystem.IsLinux() || stream is not PipeStream pipe) return 0;
        int size = Fcntl((int)pipe.SafePipeHandle.DangerousGetHandle(), F_GETPIPE_SZ, 0);
        return size > 0 ? size : 0;
    }
}
