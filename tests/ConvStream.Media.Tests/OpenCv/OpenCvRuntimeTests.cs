using System.Diagnostics;
using ConvStream.Media.OpenCv;

namespace ConvStream.Media.Tests.OpenCv;

/// <summary>Where OpenCvSharp may live, that its native library loads here, and the one line a machine without its system libraries gets.</summary>
public class OpenCvRuntimeTests
{
    [Fact]
    public void EngineAndPipelineDoNotReferenceOpenCvSharp()
    {
        foreach (var assembly in new[] { typeof(Engine.Imaging.Frame).Assembly, typeof(Pipeline.Video.IVideoSource).Assembly })
        {
            var names = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
            Assert.DoesNotContain(names, n => n.StartsWith("OpenCvSharp", StringComparison.OrdinalIgnoreCase));
        }
        Assert.Contains(typeof(MatView).Assembly.GetReferencedAssemblies(), a => a.Name == "OpenCvSharp");
    }

    [Fact]
    public void NativeLibraryLoadsAndIsOpenCv413()
    {
        OpenCvRuntime.EnsureLoaded();
        Assert.True(OpenCvRuntime.IsAvailable);
        Assert.StartsWith("4.13.", OpenCvRuntime.Version);
    }

    [Fact]
    public void NativeLibraryNeedsOnlyWhatTheInstallStepsInstall()
    {
        // ldd on the .so that was copied beside the tests: nothing "not found" on this machine, and every
        // direct dependency beyond libc/libstdc++ comes from a package the apt command names (or one they pull in).
        if (!OperatingSystem.IsLinux()) return;
        string so = Directory.GetFiles(AppContext.BaseDirectory, "libOpenCvSharpExtern.so", SearchOption.AllDirectories).First();
        var psi = new ProcessStartInfo("ldd", so) { RedirectStandardOutput = true, UseShellExecute = false };
        using var ldd = Process.Start(psi)!;
        string output = ldd.StandardOutput.ReadToEnd();
        ldd.WaitForExit();
        Assert.DoesNotContain("not found", output);
        Assert.Contains("libgtk-3.so.0", output);
        Assert.Equal("libgtk-3-0 libdrm2 libatomic1", OpenCvRuntime.AptPackages);
    }

    [Fact]
    public void LoadFailureIsOneLineNamingTheLibraryAndTheInstallCommand()
    {
        // The message .NET 10 gives when a dependency of the library is missing (dlerror's text per probed path).
        var e = new TypeInitializationException("OpenCvSharp.Internal.NativeMethods", new DllNotFoundException(
            "Unable to load shared library 'OpenCvSharpExtern' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: \n"
            + "/app/runtimes/linux-x64/native/OpenCvSharpExtern.so: cannot open shared object file: No such file or directory\n"
            + "libgtk-3.so.0: cannot open shared object file: No such file or directory\n"
            + "/app/libOpenCvSharpExtern.so: cannot open shared object file: No such file or directory\n"));
        string line = OpenCvRuntime.Describe(e);
        Assert.DoesNotContain('\n', line);
        if (OperatingSystem.IsLinux())
            Assert.Equal("OpenCV (OpenCvSharp) cannot load libOpenCvSharpExtern.so: libgtk-3.so.0 is missing; install its system libraries with: sudo apt-get install -y libgtk-3-0 libdrm2 libatomic1", line);
    }
}
