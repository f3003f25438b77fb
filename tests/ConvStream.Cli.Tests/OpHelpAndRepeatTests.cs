using System.Globalization;
using System.Text.RegularExpressions;
using ConvStream.Engine.Io;

namespace ConvStream.Cli.Tests;

/// <summary><c>--help</c> texts and <c>--repeat</c> timing, through the real command.</summary>
public sealed partial class OpHelpAndRepeatTests
{
    [Fact]
    public void Op_help_lists_every_op_with_its_options()
    {
        using var work = new TempFolder();
        var result = ConvstreamProcess.Run(work.Path, "op", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.StartsWith("usage: convstream op OP", result.Stdout);
        foreach (string op in new[] { "conv2d --input", "conv3d --input", "conv-transpose2d --input", "max-pool2d --input", "avg-pool2d --input", "conv2d-backward --input", "--repeat N" })
            Assert.Contains(op, result.Stdout);
    }

    [Fact]
    public void Op_without_a_name_prints_usage_and_exits_2()
    {
        using var work = new TempFolder();
        var result = ConvstreamProcess.Run(work.Path, "op");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("usage: convstream op OP", result.Stdout);
        Assert.Empty(work.Files());
    }

    [Fact]
    public void Top_level_help_lists_op()
    {
        using var work = new TempFolder();
        var result = ConvstreamProcess.Run(work.Path, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"(?m)^\s+op\s+run one tensor operation", result.Stdout);
    }

    public static TheoryData<string, string> HelpCases() => new()
    {
        { "conv2d", "--input --weight --bias --stride --padding --dilation --groups --border --flip --relu --output --repeat T,B,L,R symmetric circular" },
        { "conv3d", "--input --weight --bias --stride --padding --dilation --groups --border --time-border --flip --relu --output --repeat ST,SH,SW F,B,T,B,L,R symmetric circular" },
        { "conv-transpose2d", "--input --weight --bias --stride --padding --output-padding --dilation --groups --output --repeat" },
        { "max-pool2d", "--input --kernel --stride --padding --dilation --ceil-mode --output --repeat" },
        { "avg-pool2d", "--input --kernel --stride --padding --ceil-mode --exclude-pad --output --repeat" },
        { "conv2d-backward", "--input --weight --grad-output --stride --padding --dilation --groups --border --flip --grad-input --grad-weight --grad-bias --repeat" },
    };

    [Theory]
    [MemberData(nameof(HelpCases))]
    public void Each_op_help_names_all_its_options(string op, string options)
    {
        using var work = new TempFolder();
        var result = ConvstreamProcess.Run(work.Path, "op", op, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.StartsWith($"usage: convstream op {op} --input", result.Stdout);
        foreach (string option in options.Split(' ')) Assert.Contains(option, result.Stdout);
        Assert.Empty(work.Files());
    }

    public static TheoryData<string> RepeatCases() => new()
    {
        "conv2d_batch_stride2_pad1", "conv_transpose2d_pad_output_padding", "max_pool2d_3x3_s2_p1_ceil",
        "avg_pool2d_3x3_s2_p1_ceil_exclude_pad", "conv2d_backward_stride_dilation_groups", "conv3d_batch_stride_reflect",
    };

    /// <summary>
    /// <c>--repeat 3</c> prints one timing line on stderr and still writes the right result (the
    /// repeated runs must not disturb the first run's output).
    /// </summary>
    [Theory]
    [MemberData(nameof(RepeatCases))]
    public void Repeat_prints_median_and_min_and_keeps_the_result(string fixture)
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "ops", fixture);
        var c = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json"))).RootElement;
        using var work = new TempFolder();
        var args = new List<string> { "op", c.GetProperty("op").GetString()! };
        args.AddRange(c.GetProperty("args").EnumerateArray().Select(a => a.GetString()!));
        foreach (var input in c.GetProperty("inputs").EnumerateObject()) { args.Add(input.Name); args.Add(Path.Combine(dir, input.Value.GetString()!)); }
        var outputs = c.GetProperty("outputs").EnumerateObject().ToDictionary(o => o.Name, o => o.Value.GetString()!);
        foreach (var (option, file) in outputs) { args.Add(option); args.Add(work.File(file)); }
        args.AddRange(["--repeat", "3"]);

        var result = ConvstreamProcess.Run(work.Path, args.ToArray());

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StderrLines;
        Assert.Single(lines);
        var m = TimingLine().Match(lines[0]);
        Assert.True(m.Success, $"not a timing line: {lines[0]}");
        double median = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        double min = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.InRange(min, 0, median);
        Assert.Equal(outputs.Values.Order(StringComparer.Ordinal), work.Files());
        foreach (string file in outputs.Values)
            OpFixtureTests.AssertClose(fixture, file, Npy.Read(Path.Combine(dir, file)), Npy.Read(work.File(file)));
    }

    [GeneratedRegex(@"^median_ms=(\d+\.\d+) min_ms=(\d+\.\d+) runs=3$")]
    private static partial Regex TimingLine();
}
