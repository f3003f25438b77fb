using ConvStream.Engine.Io;
using ConvStream.Engine.Tensors;

namespace ConvStream.Cli.Tests;

/// <summary>
/// Every bad input of issue 2, through the real command: the run must exit non-zero (1 for bad
/// input, 2 for a command line that does not parse), print exactly one line on stderr that names
/// what is wrong, show no stack trace, and leave no output file and no temporary file behind.
/// </summary>
public sealed class OpErrorTests
{
    private const int BadInput = 1, Usage = 2;

    /// <summary>The inputs every case finds in its working folder (and nothing else afterwards).</summary>
    private static readonly (string File, int[] Shape)[] Inputs =
    [
        ("x.npy", [1, 3, 6, 6]),       // 3 channels, 6×6
        ("x2d.npy", [6, 6]),           // neither (C,H,W) nor (N,C,H,W)
        ("w.npy", [4, 3, 3, 3]),       // fits x: output (1,4,4,4)
        ("w4in.npy", [2, 4, 3, 3]),    // expects 4 input channels
        ("w7.npy", [2, 3, 7, 7]),      // larger than x without padding
        ("b5.npy", [5]),               // w has 4 output channels
        ("g.npy", [1, 4, 4, 4]),       // conv2d(x, w)'s output shape
        ("g_wrong.npy", [1, 4, 5, 5]),
        ("wt.npy", [3, 2, 2, 2]),      // transposed: (Cin, Cout/groups, KH, KW)
        ("wt4.npy", [4, 2, 2, 2]),
        ("x3.npy", [1, 3, 4, 6, 6]),   // conv3d: 3 channels, 4 frames of 6×6
        ("w3.npy", [4, 3, 3, 3, 3]),   // fits x3: output (1,4,2,4,4)
        ("w3in.npy", [2, 4, 3, 3, 3]), // expects 4 input channels
        ("w3deep.npy", [2, 3, 5, 3, 3]), // 5 frames deep: more than x3's 4
    ];

    private static string Bad(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "bad", file);

    private static readonly string[] Conv = ["op", "conv2d", "--input", "x.npy", "--weight", "w.npy", "--output", "y.npy"];
    private static readonly string[] Backward = ["op", "conv2d-backward", "--input", "x.npy", "--weight", "w.npy", "--grad-output", "g.npy",
        "--grad-input", "gi.npy", "--grad-weight", "gw.npy", "--grad-bias", "gb.npy"];
    private static readonly string[] Transpose = ["op", "conv-transpose2d", "--input", "x.npy", "--weight", "wt.npy", "--output", "y.npy"];
    private static readonly string[] Conv3 = ["op", "conv3d", "--input", "x3.npy", "--weight", "w3.npy", "--output", "y.npy"];
    private static string[] MaxPool(params string[] more) => ["op", "max-pool2d", "--input", "x.npy", "--output", "y.npy", .. more];
    private static string[] AvgPool(params string[] more) => ["op", "avg-pool2d", "--input", "x.npy", "--output", "y.npy", .. more];
    private static string[] With(string[] baseArgs, params string[] more) => [.. baseArgs, .. more];
    private static string[] Replace(string[] baseArgs, string option, string value)
    {
        var a = (string[])baseArgs.Clone();
        a[Array.IndexOf(a, option) + 1] = value;
        return a;
    }
    private static string[] Without(string[] baseArgs, string option)
    {
        int i = Array.IndexOf(baseArgs, option);
        return [.. baseArgs[..i], .. baseArgs[(i + 2)..]];
    }

    private sealed record ErrorCase(int Exit, string[] Args, params string[] Keywords);

    private static readonly Dictionary<string, ErrorCase> ErrorCases = new()
    {
        // Shapes and geometry (the engine's checks, reported with the numbers).
        ["channel mismatch"] = new(BadInput, Replace(Conv, "--weight", "w4in.npy"), "weight expects 4 input channels", "the input has 3"),
        ["groups not dividing the channels"] = new(BadInput, With(Conv, "--groups", "2"), "groups 2 does not divide", "3 channels"),
        ["groups zero"] = new(BadInput, With(Conv, "--groups", "0"), "--groups 0", "must be positive"),
        ["stride zero"] = new(BadInput, With(Conv, "--stride", "0"), "--stride 0: stride must be positive"),
        ["stride negative on one axis"] = new(BadInput, With(Conv, "--stride", "1,-2"), "--stride 1,-2: stride must be positive"),
        ["dilation zero"] = new(BadInput, With(Conv, "--dilation", "0"), "--dilation 0: dilation must be positive"),
        ["negative padding"] = new(BadInput, With(Conv, "--padding", "-1"), "--padding -1: padding must not be negative"),
        ["negative asymmetric padding"] = new(BadInput, With(Conv, "--padding", "0,1,-1,0"), "--padding 0,1,-1,0", "must not be negative"),
        ["kernel larger than the padded input"] = new(BadInput, Replace(Conv, "--weight", "w7.npy"), "kernel 7x7", "larger than the padded input 6x6"),
        ["bias of the wrong length"] = new(BadInput, With(Conv, "--bias", "b5.npy"), "bias must have 4 values", "(5)"),
        ["input of rank 2"] = new(BadInput, Replace(Conv, "--input", "x2d.npy"), "input must be (C,H,W) or (N,C,H,W)", "(6,6)"),
        ["unknown border"] = new(BadInput, With(Conv, "--border", "mirror"), "--border 'mirror'", "zeros, replicate, reflect, symmetric, circular"),
        ["output folder missing"] = new(BadInput, Replace(Conv, "--output", "nowhere/y.npy"), "--output nowhere/y.npy", "does not exist"),
        ["transposed: output padding too large"] = new(BadInput, With(Transpose, "--stride", "2", "--output-padding", "2"),
            "output padding 2 must be smaller than the stride 2 or the dilation 1"),
        ["transposed: channel mismatch"] = new(BadInput, Replace(Transpose, "--weight", "wt4.npy"), "weight expects 4 input channels", "the input has 3"),
        ["transposed: bias of the wrong length"] = new(BadInput, With(Transpose, "--bias", "b5.npy"), "bias must have 2 values", "(5)"),
        ["transposed: negative output padding"] = new(BadInput, With(Transpose, "--output-padding", "-1"), "--output-padding -1", "must not be negative"),
        ["max pool window larger than the padded input"] = new(BadInput, MaxPool("--kernel", "4", "--dilation", "2"), "window 7x7 is larger than the padded input 6x6"),
        ["avg pool window larger than the padded input"] = new(BadInput, AvgPool("--kernel", "7,2"), "window 7x2 is larger than the padded input 6x6"),
        ["pool padding over half the kernel"] = new(BadInput, MaxPool("--kernel", "2", "--padding", "2"), "padding 2 must be at most half the kernel 2"),
        ["pool kernel zero"] = new(BadInput, AvgPool("--kernel", "0"), "--kernel 0: kernel must be positive"),
        ["pool stride zero"] = new(BadInput, MaxPool("--kernel", "2", "--stride", "2,0"), "--stride 2,0: stride must be positive"),
        ["grad-output of the wrong shape"] = new(BadInput, Replace(Backward, "--grad-output", "g_wrong.npy"),
            "grad-output must have the forward output's shape (1,4,4,4) but has (1,4,5,5)"),
        ["backward: one grad folder missing"] = new(BadInput, Replace(Backward, "--grad-bias", "nowhere/gb.npy"), "--grad-bias nowhere/gb.npy", "does not exist"),
        ["backward: channel mismatch"] = new(BadInput, Replace(Backward, "--weight", "w4in.npy"), "weight expects 4 input channels"),

        // Files.
        ["missing file"] = new(BadInput, Replace(Conv, "--input", "X.npy"), "X.npy: file not found"),
        ["missing bias file"] = new(BadInput, With(Conv, "--bias", "nothere.npy"), "nothere.npy: file not found"),
        ["input is a folder"] = new(BadInput, Replace(Conv, "--input", "."), "--input .: is a folder, expected a .npy file"),
        ["truncated data"] = new(BadInput, Replace(Conv, "--input", Bad("truncated_data.npy")), "truncated_data.npy: truncated .npy data"),
        ["truncated header"] = new(BadInput, Replace(Conv, "--input", Bad("truncated_header.npy")), "truncated_header.npy: truncated .npy header"),
        ["not a .npy file"] = new(BadInput, Replace(Conv, "--input", Bad("not_npy.npy")), "not_npy.npy: not a .npy file"),
        ["Fortran order"] = new(BadInput, Replace(Conv, "--input", Bad("fortran_order.npy")), "fortran_order.npy: Fortran-order arrays are not supported"),
        ["big endian"] = new(BadInput, Replace(Conv, "--weight", Bad("big_endian.npy")), "big_endian.npy: big-endian dtype '>f4' is not supported"),
        ["complex"] = new(BadInput, Replace(MaxPool("--kernel", "2"), "--input", Bad("complex.npy")), "complex.npy: complex dtype '<c8' is not supported"),
        ["object"] = new(BadInput, Replace(Backward, "--grad-output", Bad("object.npy")), "object.npy: object arrays ('|O') are not supported"),
        ["float16"] = new(BadInput, Replace(Conv, "--input", Bad("float16.npy")), "float16.npy: dtype '<f2' is not supported"),

        // Command lines that do not parse.
        ["unknown option"] = new(Usage, With(Conv, "--strid", "2"), "unknown option --strid for conv2d"),
        ["missing required option"] = new(Usage, Without(Conv, "--weight"), "conv2d needs --weight"),
        ["missing output"] = new(Usage, Without(Conv, "--output"), "conv2d needs --output"),
        ["missing pool kernel"] = new(Usage, MaxPool(), "max-pool2d needs --kernel"),
        ["missing grad output"] = new(Usage, Without(Backward, "--grad-output"), "conv2d-backward needs --grad-output"),
        ["option without its value"] = new(Usage, With(Conv, "--stride"), "option --stride needs a value"),
        ["stride not a number"] = new(Usage, With(Conv, "--stride", "two"), "--stride 'two' is not N or H,W"),
        ["padding word unknown"] = new(Usage, With(Conv, "--padding", "middle"), "--padding 'middle' is not valid, same, full"),
        ["transposed padding same"] = new(Usage, With(Transpose, "--padding", "same"), "--padding 'same' is not N or H,W"),
        ["avg pool has no dilation"] = new(Usage, AvgPool("--kernel", "2", "--dilation", "2"), "unknown option --dilation for avg-pool2d"),
        ["max pool has no exclude-pad"] = new(Usage, MaxPool("--kernel", "2", "--exclude-pad"), "unknown option --exclude-pad for max-pool2d"),
        ["flag of another op"] = new(Usage, With(Transpose, "--flip"), "unknown option --flip for conv-transpose2d"),
        ["repeat negative"] = new(Usage, With(Conv, "--repeat", "-1"), "--repeat -1: repeat must be 0 or more"),
        ["same file for two gradients"] = new(Usage, Replace(Backward, "--grad-weight", "gi.npy"), "three different files"),
        ["unknown op"] = new(Usage, ["op", "conv4d", "--input", "x.npy"], "unknown op 'conv4d'", "conv2d-backward, conv3d"),

        // conv3d: conv2d's bad geometries with a time axis, and its own options.
        ["conv3d: channel mismatch"] = new(BadInput, Replace(Conv3, "--weight", "w3in.npy"), "weight expects 4 input channels", "the input has 3"),
        ["conv3d: groups not dividing the channels"] = new(BadInput, With(Conv3, "--groups", "2"), "groups 2 does not divide", "3 channels"),
        ["conv3d: groups zero"] = new(BadInput, With(Conv3, "--groups", "0"), "--groups 0", "must be positive"),
        ["conv3d: stride zero in time"] = new(BadInput, With(Conv3, "--stride", "0,1,1"), "--stride 0,1,1: stride must be positive"),
        ["conv3d: dilation negative"] = new(BadInput, With(Conv3, "--dilation", "1,1,-1"), "--dilation 1,1,-1: dilation must be positive"),
        ["conv3d: negative padding"] = new(BadInput, With(Conv3, "--padding", "0,1,0,0,-1,0"), "--padding 0,1,0,0,-1,0", "must not be negative"),
        ["conv3d: kernel deeper than the clip"] = new(BadInput, Replace(Conv3, "--weight", "w3deep.npy"), "kernel 5x3x3", "larger than the padded input 4x6x6"),
        ["conv3d: bias of the wrong length"] = new(BadInput, With(Conv3, "--bias", "b5.npy"), "bias must have 4 values", "(5)"),
        ["conv3d: input of rank 3"] = new(BadInput, Replace(Conv3, "--input", "x2d.npy"), "input must be (C,T,H,W) or (N,C,T,H,W)", "(6,6)"),
        ["conv3d: 2-D weight"] = new(BadInput, Replace(Conv3, "--weight", "w.npy"), "weight must be (Cout, Cin/groups, KT, KH, KW)", "(4,3,3,3)"),
        ["conv3d: unknown time border"] = new(BadInput, With(Conv3, "--time-border", "mirror"), "--time-border 'mirror'", "zeros, replicate"),
        ["conv3d: output folder missing"] = new(BadInput, Replace(Conv3, "--output", "nowhere/y.npy"), "--output nowhere/y.npy", "does not exist"),
        ["conv3d: stride of two axes"] = new(Usage, With(Conv3, "--stride", "1,2"), "--stride '1,2' is not N or T,H,W"),
        ["conv3d: padding of four numbers"] = new(Usage, With(Conv3, "--padding", "1,1,1,1"), "--padding '1,1,1,1' is not valid, same, full, P, PT,PH,PW or F,B,T,B,L,R"),
        ["conv3d: unknown option"] = new(Usage, With(Conv3, "--output-padding", "1"), "unknown option --output-padding for conv3d"),
    };

    public static TheoryData<string> Names() => new(ErrorCases.Keys);

    /// <summary>Names every input, in the order <see cref="Files"/> lists a folder holding just them.</summary>
    private static readonly string[] InputFiles = Inputs.Select(i => i.File).Order(StringComparer.Ordinal).ToArray();

    /// <summary>All cases run at once on first use; each theory row checks its own.</summary>
    private static readonly Lazy<ParallelRuns<string>> Runs = new(() => new ParallelRuns<string>(ErrorCases.Keys, (name, work) =>
    {
        WriteInputs(work);
        return ErrorCases[name].Args;
    }));

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_input_fails_with_one_clear_line_and_no_output(string name)
    {
        var c = ErrorCases[name];
        var (work, result) = Runs.Value.Get(name);
        using var _ = work;

        Assert.True(result.ExitCode == c.Exit, $"{name}: expected exit {c.Exit}; {result}");
        AssertOneCleanErrorLine(name, result, c.Keywords);
        Assert.Equal("", result.Stdout);
        Assert.Equal(InputFiles, work.Files()); // no output, no temporary file
    }

    [Fact]
    public void A_failing_run_leaves_an_existing_output_untouched()
    {
        using var work = new TempFolder();
        WriteInputs(work);
        File.WriteAllText(work.File("y.npy"), "previous result");
        var before = work.Files();

        var result = ConvstreamProcess.Run(work.Path, With(Conv, "--bias", "b5.npy"));

        Assert.Equal(1, result.ExitCode);
        AssertOneCleanErrorLine("existing output", result, "bias must have 4 values");
        Assert.Equal("previous result", File.ReadAllText(work.File("y.npy")));
        Assert.Equal(before, work.Files());
    }

    [Fact]
    public void Backward_writes_no_gradient_when_one_target_is_a_folder()
    {
        using var work = new TempFolder();
        WriteInputs(work);
        Directory.CreateDirectory(work.File("gb.npy"));
        var before = work.Files();

        var result = ConvstreamProcess.Run(work.Path, Backward);

        Assert.Equal(1, result.ExitCode);
        AssertOneCleanErrorLine("grad-bias is a folder", result, "--grad-bias gb.npy: is a folder");
        Assert.Equal(before, work.Files());
        Assert.Empty(Directory.GetFileSystemEntries(work.File("gb.npy")));
    }

    internal static void AssertOneCleanErrorLine(string name, CommandResult result, params string[] keywords)
    {
        var lines = result.StderrLines;
        Assert.True(lines.Length == 1, $"{name}: expected exactly one line on stderr; {result}");
        string line = lines[0];
        Assert.StartsWith("convstream op", line);
        foreach (string k in keywords) Assert.True(line.Contains(k, StringComparison.Ordinal), $"{name}: stderr lacks '{k}': {line}");
        Assert.DoesNotContain("Exception", line);
        Assert.DoesNotContain("internal error", line);
        Assert.DoesNotContain(" at ", result.Stderr.Replace(" at most ", " ", StringComparison.Ordinal));
    }

    private static void WriteInputs(TempFolder work)
    {
        var random = new Random(2);
        foreach (var (file, shape) in Inputs)
        {
            var t = Tensor.Zeros(shape);
            for (int i = 0; i < t.Length; i++) t[i] = (float)(random.NextDouble() * 2 - 1);
            Npy.Write(work.File(file), t);
        }
    }
}
