using System.Diagnostics;

namespace ConvStream.Cli.Tests;

/// <summary>What one run of the real command left: exit status, stdout, stderr.</summary>
internal sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>
/// Runs the built <c>convstream.dll</c> (copied beside the tests by the project reference) as a
/// child process, exactly as a user or another tool would: <c>dotnet convstream.dll op ...</c>.
/// </summary>
internal static class ConvstreamProcess
{
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "convstream.dll");

    /// <summary>The dotnet host running these tests (testhost runs under it), else the one on PATH.</summary>
    internal static string DotnetHost { get; } = FindHost();

    public static CommandResult Run(string workDir, params string[] args)
    {
        Assert.True(File.Exists(Dll), $"{Dll} is missing: the test project must reference src/ConvStream.Cli");
        var psi = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        // A stack trace must never reach the user; make sure the debug switch is off.
        psi.Environment.Remove("CONVSTREAM_DEBUG");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"convstream {string.Join(' ', args)} did not finish in 60 s");
        }
        process.WaitForExit();
        return new CommandResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}

/// <summary>A fresh folder for one test's inputs and outputs, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "convstream-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Every file in the folder (names only, sorted), temporaries included.</summary>
    public string[] Files() => Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
