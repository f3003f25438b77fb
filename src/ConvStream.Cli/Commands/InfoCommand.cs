using System.CommandLine;
using System.CommandLine.Invocation;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using ConvStream.Cli.CommandLine;
using ConvStream.Engine;
using ConvStream.Engine.Simd;
using ConvStream.Media.Ffmpeg;
using ConvStream.Media.OpenCv;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream --version</c> (one line), and <c>convstream info</c> / <c>--version --verbose</c>:
/// the version and what this machine gives the engine: its SIMD level, its default thread count,
/// the OpenCV that OpenCvSharp loads and the ffmpeg that would be run, each found the way a run
/// finds it (a missing one is said, not an error).
/// </summary>
public static class InfoCommand
{
    public const string Summary = "print the version, the engine's SIMD level and threads, and the OpenCV and ffmpeg found";

    /// <summary>The package version (Directory.Build.props), with the commit the build came from when known.</summary>
    public static string Version { get; } =
        typeof(InfoCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(InfoCommand).Assembly.GetName().Version?.ToString() ?? "unknown";

    internal static Command Create()
    {
        var command = new VerbCommand("info", Summary, "usage: convstream info")
        {
            Notes = "The same as convstream --version --verbose. SIMD: CONVSTREAM_SIMD=scalar|128|256|512 forces a narrower level;\n" +
                    "threads: CONVSTREAM_THREADS; ffmpeg: CONVSTREAM_FFMPEG, then PATH.",
            Examples = ["convstream info", "convstream --version"],
        };
        command.SetAction(_ => { Console.Out.Write(Text(verbose: true)); return 0; });
        return command;
    }

    /// <summary>"convstream version", as before System.CommandLine: hidden, the same as --version.</summary>
    internal static Command CreateVersionAlias()
    {
        var verbose = CliOption.Flag("--verbose", "also the engine's SIMD level, threads, OpenCV and ffmpeg");
        var command = new VerbCommand("version", "print the version", "usage: convstream version [--verbose]") { Hidden = true };
        command.Options.Add(verbose);
        command.SetAction(r => { Console.Out.Write(Text(r.GetValue(verbose))); return 0; });
        return command;
    }

    /// <summary>Replaces System.CommandLine's --version (which refuses any other argument) with one that takes --verbose.</summary>
    internal static void ReplaceVersionOption(RootCommand root)
    {
        foreach (var old in root.Options.OfType<VersionOption>().ToList()) root.Options.Remove(old);
        var verbose = CliOption.Flag("--verbose", "with --version: also the engine's SIMD level, threads, OpenCV and ffmpeg (as convstream info)");
        var version = new Option<bool>("--version") { Description = "print the version and exit", Action = new VersionAction(verbose) };
        root.Options.Add(version);
        root.Options.Add(verbose);
    }

    private sealed class VersionAction(Option<bool> verbose) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.Write(Text(parseResult.GetValue(verbose)));
            return 0;
        }
    }

    internal static string Text(bool verbose)
    {
        var lines = new List<string> { $"convstream {Version}" };
        if (verbose)
        {
            lines.Add($"engine: SIMD {Name(Simd.Level)} (the CPU accelerates {Name(Simd.Hardware)}), {Threads.Default} thread(s) by default of {Environment.ProcessorCount} core(s)");
            lines.Add($"runtime: .NET {Environment.Version}, {RuntimeInformation.RuntimeIdentifier}");
            lines.Add($"OpenCV: {OpenCv()}");
            lines.Add($"ffmpeg: {Ffmpeg()}");
        }
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    private static string Name(SimdLevel level) => level == SimdLevel.Scalar ? "scalar" : $"{(int)level}-bit vectors";

    private static string OpenCv()
    {
        if (!OpenCvRuntime.IsAvailable)
            try { OpenCvRuntime.EnsureLoaded(); }
            catch (ConvStreamException e) { return $"not available: {e.Message}"; }
        string wrapper = typeof(OpenCvSharp.Cv2).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(OpenCvSharp.Cv2).Assembly.GetName().Version?.ToString() ?? "?";
        return $"{OpenCvRuntime.Version} (OpenCvSharp {wrapper.Split('+')[0]})";
    }

    /// <summary>The first line of <c>ffmpeg -version</c> of the ffmpeg a run would use.</summary>
    private static string Ffmpeg()
    {
        string path;
        try { path = FfmpegLocator.Find("ffmpeg"); }
        catch (ConvStreamException e) { return $"not found: {e.Message}"; }
        try
        {
            var psi = new ProcessStartInfo(path, "-hide_banner -version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string first = process.StandardOutput.ReadLine() ?? "";
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(10_000)) { process.Kill(); return $"{path}: ffmpeg -version did not answer in 10 s"; }
            _ = stderr.Result;
            return $"{first.Trim()} ({path})";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return $"{path}: cannot run it ({e.Message})";
        }
    }
}
