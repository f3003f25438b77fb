using System.Diagnostics;
using ConvStream.Stages;

namespace ConvStream.Cli.Tests;

/// <summary>
/// Tab completion for real: System.CommandLine's <c>[suggest:N]</c> directive on the built command,
/// and the bash script of <c>convstream completion bash</c> sourced in bash, its function called
/// as bash calls it (COMP_WORDS/COMP_CWORD, or COMP_LINE/COMP_POINT), through a <c>convstream</c>
/// on PATH that runs the built dll.
/// </summary>
public sealed class CompletionTests
{
    [Fact]
    public void Suggest_directive_completes_ops_options_and_stage_keys()
    {
        using var work = new TempFolder();
        Assert.Equal(["conv-transpose2d", "conv2d", "conv2d-backward", "conv3d"], Suggest(work, "op conv"));
        Assert.Equal(["--stride"], Suggest(work, "op conv2d --str"));
        Assert.Equal(["auto", "ffmpeg", "opencv"], Suggest(work, "run p.json --backend "));
        Assert.Contains("sobel-magnitude", Suggest(work, "filter a.png b.png --stage sob"));
        // After "OP:" the keys the op takes; keys already given are not offered again.
        var keys = Suggest(work, "filter a.png b.png --stage gaussian:size=3,");
        Assert.Contains("gaussian:size=3,sigma=", keys);
        Assert.DoesNotContain("gaussian:size=3,size=", keys);
    }

    [SkippableFact]
    public void Bash_script_sourced_in_bash_completes_commands_ops_and_stage_names()
    {
        Skip.If(OperatingSystem.IsWindows(), "bash completion is tested where bash is the shell");
        using var work = new TempFolder();
        string script = work.File("convstream.bash");
        File.WriteAllText(script, ConvstreamProcess.Run(work.Path, "completion", "bash").Stdout);
        string bin = Path.Combine(work.Path, "bin");
        Directory.CreateDirectory(bin);
        string shim = Path.Combine(bin, "convstream");
        File.WriteAllText(shim, $"#!/bin/sh\nexec '{ConvstreamProcess.DotnetHost}' '{ConvstreamProcess.Dll}' \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        string Complete(string words, int cword, string? line = null)
        {
            string setLine = line is null ? "unset COMP_LINE COMP_POINT" : $"COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}";
            var (code, stdout, stderr) = Bash(work.Path, bin,
                $"source '{script}'; complete -p convstream >/dev/null || exit 9; {setLine}; COMP_WORDS=({words}); COMP_CWORD={cword}; " +
                "_convstream_complete; printf '%s\\n' \"${COMPREPLY[@]}\"");
            Assert.True(code == 0, $"bash exit {code}: {stderr}");
            return stdout.Trim();
        }

        var commands = Complete("convstream ''", 1).Split('\n');
        foreach (string verb in new[] { "bench", "filter", "fit", "op", "run", "completion", "info" }) Assert.Contains(verb, commands);
        Assert.Equal("run", Complete("convstream ru", 1));
        Assert.Equal(["conv-transpose2d", "conv2d", "conv2d-backward", "conv3d"], Complete("convstream op con", 2).Split('\n'));
        Assert.Equal(StageRegistry.FilterOps.Where(o => o.StartsWith("sobel", StringComparison.Ordinal)).Order(StringComparer.Ordinal),
            Complete("convstream filter in.png out.png --stage sob", 5).Split('\n').Order(StringComparer.Ordinal));
        Assert.Equal("gaussian", Complete("convstream bench --stage gau", 3));
        // Bash breaks "gaussian:si" at ':' into three words; the reply completes the last of them.
        Assert.Equal(["sigma=", "sigma_y=", "size="], Complete("convstream filter a b --stage gaussian : si", 7, "convstream filter a b --stage gaussian:si").Split('\n'));
    }

    [Theory]
    [InlineData("zsh", "compdef _convstream convstream")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName convstream")]
    [InlineData("bash", "complete -o default -F _convstream_complete convstream")]
    public void Each_shell_gets_a_script_that_asks_the_suggest_directive(string shell, string registration)
    {
        using var work = new TempFolder();
        var r = ConvstreamProcess.Run(work.Path, "completion", shell);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(registration, r.Stdout);
        Assert.Contains("[suggest:", r.Stdout);
        if (shell == "bash" && !OperatingSystem.IsWindows())
        {
            File.WriteAllText(work.File("c.bash"), r.Stdout);
            Assert.Equal(0, Bash(work.Path, null, "bash -n c.bash").Code);
        }
    }

    [Fact]
    public void An_unknown_shell_is_a_usage_error_naming_it()
    {
        using var work = new TempFolder();
        var r = ConvstreamProcess.Run(work.Path, "completion", "fish");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(["convstream completion: shell 'fish' is not bash, zsh or pwsh"], r.StderrLines);
    }

    private static string[] Suggest(TempFolder work, string line)
    {
        var r = ConvstreamProcess.Run(work.Path, $"[suggest:{line.Length}]", line);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static (int Code, string Stdout, string Stderr) Bash(string workDir, string? prependPath, string command)
    {
        var psi = new ProcessStartInfo("/bin/bash") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        if (prependPath is not null) psi.Environment["PATH"] = prependPath + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "bash did not finish in 60 s");
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
