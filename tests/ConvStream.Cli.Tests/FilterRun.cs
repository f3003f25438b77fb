using System.Diagnostics;

namespace ConvStream.Cli.Tests;

/// <summary>
/// Runs the real built command, <c>dotnet convstream.dll filter …</c> (the project reference copies
/// convstream.dll beside the tests), in a fresh folder holding copies of the filter fixtures.
/// </summary>
internal sealed class FilterRun : IDisposable
{
    public FilterRun()
    {
        Folder = Path.Combine(Path.GetTempPath(), "convstream-filter-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        foreach (var file in Directory.GetFiles(FixtureFolder))
            if (!file.EndsWith(".py", StringComparison.Ordinal)) System.IO.File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
        Inputs = Directory.GetFiles(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
    }

    public string Folder { get; }
    private string[] Inputs { get; }

    public string File(string name) => Path.Combine(Folder, name);

    public static string FixtureFolder { get; } = FindFixtures();

    /// <summary>Exit code, stdout, stderr of <c>convstream filter ARGS</c> run in <see cref="Folder"/>.</summary>
    public (int Exit, string Stdout, string[] StderrLines) Run(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "convstream.dll");
        Assert.True(System.IO.File.Exists(dll), $"{dll} is missing: the test project must reference src/ConvStream.Cli");
        var psi = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("filter");
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("CONVSTREAM_DEBUG"); // a stack trace must never reach the user
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"convstream filter {string.Join(' ', args)} did not finish in 120 s");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Files created by the run (outputs and any temporary left behind), besides the fixtures copied in.</summary>
    public string[] NewFiles()
        => Directory.GetFiles(Folder).Select(Path.GetFileName).OfType<string>().Except(Inputs).Order(StringComparer.Ordinal).ToArray();

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && System.IO.File.Exists(host) ? host : "dotnet";
    }

    private static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "ConvStream.Cli.Tests", "Fixtures", "filter");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/ConvStream.Cli.Tests/Fixtures/filter not found above {AppContext.BaseDirectory}");
    }
}
