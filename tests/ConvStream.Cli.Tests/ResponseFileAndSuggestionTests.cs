using ConvStream.Cli.CommandLine;

namespace ConvStream.Cli.Tests;

/// <summary>
/// Response files (<c>@file</c>: one or more arguments a line, quotes and # comments as
/// System.CommandLine reads them) and the messages for a misspelt command or option: the nearest
/// valid name is suggested when there is one close enough, and never a far-fetched one.
/// </summary>
public sealed class ResponseFileAndSuggestionTests
{
    [Fact]
    public void A_response_file_gives_the_same_result_as_the_arguments_themselves()
    {
        using var run = new FilterRun();
        File.WriteAllText(run.File("args.rsp"), "# gray, then a Gaussian\ninput.png via-rsp.npy\n--stage gray\n--stage \"gaussian:size=5,sigma=0\"\n");
        var direct = run.Run("input.png", "direct.npy", "--stage", "gray", "--stage", "gaussian:size=5,sigma=0");
        var viaFile = run.Run("@args.rsp");
        Assert.True(direct.Exit == 0 && viaFile.Exit == 0, string.Join(" | ", viaFile.StderrLines));
        Assert.Equal(File.ReadAllBytes(run.File("direct.npy")), File.ReadAllBytes(run.File("via-rsp.npy")));
    }

    [Fact]
    public void A_missing_response_file_is_one_usage_line_naming_it()
    {
        using var work = new TempFolder();
        var r = ConvstreamProcess.Run(work.Path, "filter", "@nothere.rsp");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.Contains("nothere.rsp", r.StderrLines[0]);
        Assert.StartsWith("convstream filter: ", r.StderrLines[0]);
    }

    [Theory]
    [InlineData(new[] { "fitt" }, "convstream: unknown command 'fitt'; expected one of bench, completion, demo, describe, devices, filter, fit, info, join, k8s-job, op, run; did you mean 'fit'? (convstream --help)")]
    [InlineData(new[] { "op", "conv2", "--input", "x.npy" }, "convstream op: unknown op 'conv2'; expected one of avg-pool2d, conv-transpose2d, conv2d, conv2d-backward, conv3d, max-pool2d; did you mean 'conv2d'? (convstream op --help)")]
    [InlineData(new[] { "filter", "in.png", "out.png", "--stge", "gray" }, "convstream filter: unknown option --stge for filter; did you mean --stage?")]
    [InlineData(new[] { "run", "p.json", "--ofline" }, "convstream run: unknown option --ofline for run; did you mean --offline?")]
    [InlineData(new[] { "bench", "--stage", "gray", "--warmpu", "3" }, "convstream bench: unknown option --warmpu for bench; did you mean --warmup?")]
    [InlineData(new[] { "bench", "--stage", "gray", "--zzzzzzzz", "3" }, "convstream bench: unknown option --zzzzzzzz for bench")]
    [InlineData(new[] { "bench", "--stage", "gray", "--frames", "1", "--frames", "2" }, "convstream bench: option --frames is given twice")]
    [InlineData(new[] { "bench", "--stage", "gray", "--frames", "many" }, "convstream bench: option --frames 'many' is not an integer")]
    [InlineData(new[] { "filter", "in.png", "out.png", "--stage", "gray", "--stage" }, "convstream filter: option --stage needs a value")]
    [InlineData(new[] { "k8s-job", "p.json", "--input", "a.mp4", "--segments", "2" }, "convstream k8s-job: k8s-job needs --image")]
    [InlineData(new[] { "join" }, "convstream join: join needs the output folder DIR of the segment runs")]
    [InlineData(new[] { "describe", "p.json", "extra" }, "convstream describe: unexpected argument 'extra' for describe")]
    public void Bad_command_lines_are_one_line_naming_what_is_wrong(string[] args, string expected)
    {
        using var work = new TempFolder();
        var r = ConvstreamProcess.Run(work.Path, args);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal([expected], r.StderrLines);
        Assert.Equal("", r.Stdout);
        Assert.Empty(work.Files());
    }

    [Theory]
    [InlineData("--strid", "--stride", 1)]
    [InlineData("--stirde", "--stride", 1)]   // neighbours swapped: one edit
    [InlineData("--stride", "--stride", 0)]
    [InlineData("", "--x", 3)]
    [InlineData("kitten", "sitting", 3)]
    public void Edit_distance_counts_insertions_deletions_substitutions_and_swaps(string a, string b, int distance)
    {
        Assert.Equal(distance, UsageErrors.EditDistance(a, b));
        Assert.Equal(distance, UsageErrors.EditDistance(b, a));
    }

    [Fact]
    public void Nearest_name_is_offered_only_when_close()
    {
        string[] valid = ["--input", "--output", "--stride", "--padding"];
        Assert.Equal("--stride", UsageErrors.Nearest("--strde", valid));
        Assert.Equal("--padding", UsageErrors.Nearest("--paddign", valid));
        Assert.Null(UsageErrors.Nearest("--kernel", valid));
        Assert.Null(UsageErrors.Nearest("--x", []));
    }
}
