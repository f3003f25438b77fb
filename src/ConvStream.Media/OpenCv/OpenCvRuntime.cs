using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ConvStream.Engine;
using OpenCvSharp;

namespace ConvStream.Media.OpenCv;

/// <summary>
/// Loads OpenCvSharp's native library once, before any OpenCvSharp type is touched, so a machine
/// that lacks its system libraries gets one line naming the library that failed and the command
/// that installs what is missing, instead of a TypeInitializationException the first time a Mat is
/// made. ffmpeg-only paths never call this, so they keep working on such a machine.
/// </summary>
public static partial class OpenCvRuntime
{
    /// <summary>What the official linux-x64 runtime's libOpenCvSharpExtern.so links against beyond libc
    /// (its NEEDED entries, checked with ldd): GTK3 for highgui windows pulls in the rest.</summary>
    public const string AptPackages = "libgtk-3-0 libdrm2 libatomic1";

    private static readonly Lazy<string?> LoadError = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string NativeLibraryName =>
        OperatingSystem.IsWindows() ? "OpenCvSharpExtern.dll" : OperatingSystem.IsMacOS() ? "libOpenCvSharpExtern.dylib" : "libOpenCvSharpExtern.so";

    /// <summary>True when the native library loads (and says why not through <see cref="EnsureLoaded"/>).</summary>
    public static bool IsAvailable => LoadError.Value is null;

    /// <summary>Throws a one-line <see cref="ConvStreamException"/> when OpenCvSharp's native library cannot load.</summary>
    /// <param name="user">What needed OpenCV ("reading photo.jpg"), put in front of the message.</param>
    public static void EnsureLoaded(string? user = null)
    {
        if (LoadError.Value is { } error)
            throw new ConvStreamException(user is null ? error : $"{user}: {error}");
    }

    /// <summary>The OpenCV version the runtime was built from ("4.13.0").</summary>
    public static string Version
    {
        get { EnsureLoaded(); return Cv2.GetVersionString() ?? "unknown"; }
    }

    private static string? TryLoad()
    {
        try
        {
            // The same probing OpenCvSharp's [DllImport("OpenCvSharpExtern")] does (deps.json, runtimes/RID/native).
            var handle = NativeLibrary.Load("OpenCvSharpExtern", typeof(Cv2).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories);
            _ = handle;
            _ = Cv2.GetVersionString(); // first call through OpenCvSharp's own bindings
            // OpenCV's own log lines would break the one-line error rule; failures reach users as exceptions.
            Cv2.SetLogLevel(LogLevel.ERROR);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            return Describe(e);
        }
    }

    /// <summary>One line from a load failure: which library, which dependency is missing, how to install it.</summary>
    public static string Describe(Exception e)
    {
        var inner = e;
        while (inner is TypeInitializationException or TargetInvocationException && inner.InnerException is not null) inner = inner.InnerException;
        string text = inner.Message;
        // glibc's dlerror: "libgtk-3.so.0: cannot open shared object file: No such file or directory".
        // .NET lists every path it tried; the dependency that failed is the one that is not the library itself.
        string? dependency = null;
        bool selfMissing = false;
        foreach (Match m in MissingDependency().Matches(text))
        {
            string name = Path.GetFileName(m.Groups[1].Value);
            if (name.Contains("OpenCvSharpExtern", StringComparison.Ordinal)) selfMissing = true;
            else { dependency = name; break; }
        }
        string what = dependency is not null ? $"{dependency} is missing"
            : selfMissing ? "the library itself is not beside the program (restore the OpenCvSharp4 runtime package)"
            : FirstLine(text);
        string fix = OperatingSystem.IsWindows()
            ? "install the Microsoft Visual C++ Redistributable (x64): winget install Microsoft.VCRedist.2015+.x64"
            : OperatingSystem.IsMacOS()
                ? "OpenCvSharp4's runtime for macOS is not referenced by ConvStream; use the ffmpeg backend"
                : $"install its system libraries with: sudo apt-get install -y {AptPackages}";
        return $"OpenCV (OpenCvSharp) cannot load {NativeLibraryName}: {what}; {fix}";
    }

    private static string FirstLine(string text)
    {
        int nl = text.IndexOfAny(['\r', '\n']);
        return nl < 0 ? text : text[..nl];
    }

    [GeneratedRegex(@"([A-Za-z0-9_./+\-]+\.so(\.[0-9]+)*): cannot open shared object file")]
    private static partial Regex MissingDependency();
}
