using System.Diagnostics;

namespace ConvStream.Cli.Tests.Packaging;

/// <summary>
/// Runs <c>dotnet</c> (pack, tool install, build) or an installed tool as a child process, with a
/// time limit, as a user would from a shell. The MSBuild variables <c>dotnet test</c> sets for its
/// own build are removed, node reuse and the compiler server are off (nothing outlives the test),
/// and NuGet uses the given packages folder.
/// </summary>
internal static class DotnetProcess
{
    public static CommandResult Dotnet(string workDir, string nugetPackages, TimeSpan limit, params string[] args)
        => Run(ConvstreamProcess.DotnetHost, workDir, nugetPackages, limit, args);

    public static CommandResult Run(string exe, string workDir, string? nugetPackages, TimeSpan limit, params string[] args)
    {
        var psi = new ProcessStartInfo(exe)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (string name in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(name);
        psi.Environment.Remove("CONVSTREAM_DEBUG");
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["UseSharedCompilation"] = "false";
        if (nugetPackages is not null) psi.Environment["NUGET_PACKAGES"] = nugetPackages;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {exe}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish in {limit.TotalSeconds:0} s");
        }
        process.WaitForExit();
        return new CommandResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
