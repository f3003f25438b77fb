using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace ConvStream.Cli.Tests;

/// <summary>
/// The generated help of every command (each option listed, with its default), <c>--version</c>
/// read from the one place the version is written, and <c>info</c> / <c>--version --verbose</c>
/// against what this machine really has.
/// </summary>
public sealed partial class HelpAndVersionTests
{
    /// <summary>Every command and op, as the command line spells it ("op conv2d").</summary>
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string>();
        foreach (var command in CliApp.CreateRoot().Subcommands.Where(c => !c.Hidden))
        {
            data.Add(command.Name);
            foreach (var sub in command.Subcommands) data.Add($"{command.Name} {sub.Name}");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void Help_lists_every_option_with_its_default_and_an_example(string path)
    {
        using var work = new TempFolder();
        var r = ConvstreamProcess.Run(work.Path, [.. path.Split(' '), "--help"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("", r.Stderr);
        Assert.StartsWith($"usage: convstream {path}", r.Stdout);
        var command = Find(path);
        foreach (var option in command.Options.Where(o => !o.Hidden))
        {
            // The option's row: its name at the start of a line of the option list.
            var row = Regex.Match(r.Stdout, $@"(?m)^  (?:[-/?\w]+, )*{Regex.Escape(option.Name)}\b.*(?:\n {{10,}}.*)*");
            Assert.True(row.Success, $"{path} --help does not list {option.Name}:\n{r.Stdout}");
            if (option.HasDefaultValue && option.ValueType != typeof(bool))
                Assert.Contains($"[default: {option.GetDefaultValue()}]", Regex.Replace(row.Value, @"\s+", " "));
        }
        foreach (var argument in command.Arguments) Assert.Contains($"<{argument.Name}>", r.Stdout);
        Assert.Matches(@"(?m)^Examples:\n  .*convstream ", r.Stdout.ReplaceLineEndings("\n"));
        Assert.Empty(work.Files());
    }

    [Fact]
    public void Top_level_help_lists_every_command_and_convstream_alone_exits_2()
    {
        using var work = new TempFolder();
        var help = ConvstreamProcess.Run(work.Path, "--help");
        var alone = ConvstreamProcess.Run(work.Path);
        var word = ConvstreamProcess.Run(work.Path, "help");
        Assert.Equal(0, help.ExitCode);
        Assert.Equal(2, alone.ExitCode);
        Assert.Equal(0, word.ExitCode);
        Assert.Equal(help.Stdout, alone.Stdout);
        Assert.Equal(help.Stdout, word.Stdout);
        Assert.StartsWith("usage: convstream COMMAND [options]", help.Stdout);
        foreach (var command in CliApp.CreateRoot().Subcommands.Where(c => !c.Hidden))
            Assert.Matches($@"(?m)^  {Regex.Escape(command.Name)}\b", help.Stdout);
    }

    [Fact]
    public void Help_of_a_command_through_the_help_word_is_its_help()
    {
        using var work = new TempFolder();
        var a = ConvstreamProcess.Run(work.Path, "help", "op", "conv2d");
        var b = ConvstreamProcess.Run(work.Path, "op", "conv2d", "-h");
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(b.Stdout, a.Stdout);
        Assert.StartsWith("usage: convstream op conv2d --input", a.Stdout);
    }

    [Fact]
    public void Version_is_the_one_in_Directory_Build_props()
    {
        using var work = new TempFolder();
        var r = ConvstreamProcess.Run(work.Path, "--version");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        string props = File.ReadAllText(Path.Combine(RepositoryRoot(), "Directory.Build.props"));
        string version = Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
        Assert.NotEqual("", version);
        Assert.Matches($@"^convstream {Regex.Escape(version)}(\+[0-9a-f]+)?\r?\n$", r.Stdout);
        string informational = Assembly.LoadFrom(ConvstreamProcess.Dll).GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal($"convstream {informational}", r.Stdout.TrimEnd());
        Assert.Equal(r.Stdout, ConvstreamProcess.Run(work.Path, "version").Stdout);
    }

    [Fact]
    public void Info_names_the_simd_level_threads_opencv_and_ffmpeg_this_machine_has()
    {
        using var work = new TempFolder();
        var env = new Dictionary<string, string?> { ["CONVSTREAM_THREADS"] = "3", ["CONVSTREAM_SIMD"] = "128" };
        var info = ConvstreamProcess.Run(work.Path, env, "info");
        var verbose = ConvstreamProcess.Run(work.Path, env, "--version", "--verbose");
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Equal(info.Stdout, verbose.Stdout);
        var lines = info.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(ConvstreamProcess.Run(work.Path, "--version").Stdout.Trim(), lines[0]);
        // CONVSTREAM_SIMD=128 is never wider than the hardware, and this CI machine accelerates at least 128 bits.
        Assert.StartsWith("engine: SIMD 128-bit vectors", lines[1]);
        Assert.Contains($"3 thread(s) by default of {Environment.ProcessorCount} core(s)", lines[1]);
        Assert.Equal($"OpenCV: {OpenCvSharp.Cv2.GetVersionString()} ", lines.Single(l => l.StartsWith("OpenCV:", StringComparison.Ordinal))[..($"OpenCV: {OpenCvSharp.Cv2.GetVersionString()} ".Length)]);
        string ffmpegLine = lines.Single(l => l.StartsWith("ffmpeg:", StringComparison.Ordinal));
        Assert.Contains(FirstLineOfFfmpegVersion(), ffmpegLine);
        Assert.Equal("", info.Stderr);
    }

    [Fact]
    public void Info_says_when_ffmpeg_is_missing_without_failing()
    {
        using var work = new TempFolder();
        var r = ConvstreamProcess.Run(work.Path, new Dictionary<string, string?> { ["CONVSTREAM_FFMPEG"] = work.File("no-ffmpeg-here") }, "info");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"(?m)^ffmpeg: not found: .*no-ffmpeg-here", r.Stdout);
    }

    private static string FirstLineOfFfmpegVersion()
    {
        var psi = new ProcessStartInfo("ffmpeg", "-hide_banner -version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        string first = p.StandardOutput.ReadLine()!.Trim();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return first;
    }

    private static Command Find(string path)
    {
        Command command = CliApp.CreateRoot();
        foreach (string name in path.Split(' ')) command = command.Subcommands.Single(c => c.Name == name);
        return command;
    }

    internal static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Directory.Build.props")) && Directory.Exists(Path.Combine(d.FullName, "src"))) return d.FullName;
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
