using ConvStream.Engine;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream op OP ...</c>: one engine operation on .npy files, for people who prototype in
/// NumPy/PyTorch and want the same answers from ConvStream. Each OP lives in its own file.
/// </summary>
internal static class OpCommand
{
    public const string Summary = "run one tensor operation (conv2d, conv3d, pools, conv-transpose2d, backward) on .npy files";

    private static readonly SortedDictionary<string, (Func<string[], int> Run, string Synopsis)> Ops = new()
    {
        ["conv2d"] = (OpConv2d.Run, OpConv2d.Synopsis),
        ["conv3d"] = (OpConv3d.Run, OpConv3d.Synopsis),
        ["conv-transpose2d"] = (OpConvTranspose2d.Run, OpConvTranspose2d.Synopsis),
        ["max-pool2d"] = (OpMaxPool2d.Run, OpMaxPool2d.Synopsis),
        ["avg-pool2d"] = (OpAvgPool2d.Run, OpAvgPool2d.Synopsis),
        ["conv2d-backward"] = (OpConv2dBackward.Run, OpConv2dBackward.Synopsis),
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage());
            return args.Length == 0 ? CliApp.ExitUsage : 0;
        }
        string name = args[0];
        if (!Ops.TryGetValue(name, out var op))
            throw new UsageException($"unknown op '{name}'; expected one of {string.Join(", ", Ops.Keys)} (convstream op --help)");
        // Errors are reported here rather than by CliApp so the line names the op:
        // "convstream op conv2d: weight expects 4 input channels but the input has 3". The engine's
        // messages say what is wrong, not which op (the caller knows); one that quotes an OS error
        // could hold a line break, and the report is one line.
        try
        {
            return op.Run(args[1..]);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"convstream op {name}: {e.Message.ReplaceLineEndings(" ")}");
            return CliApp.ExitUsage;
        }
        catch (ConvStreamException e)
        {
            Console.Error.WriteLine($"convstream op {name}: {e.Message.ReplaceLineEndings(" ")}");
            return CliApp.ExitBadInput;
        }
    }

    public static string Usage()
    {
        var lines = new List<string>
        {
            "usage: convstream op OP [options]",
            "",
            "Runs one engine operation on .npy tensors (float32, float64, uint8, int16 or int32; C order;",
            "little endian), converted to float32. Activations are (C,H,W) or (N,C,H,W) (conv3d: (C,T,H,W) or",
            "(N,C,T,H,W)); the output is float32 with the input's batch convention.",
            "Semantics are PyTorch's (see convstream op OP --help).",
            "",
            "ops:",
        };
        foreach (var (_, (_, synopsis)) in Ops) lines.Add("  " + synopsis);
        lines.Add("");
        lines.Add("Every op also takes --repeat N: run N more times and print median_ms=… min_ms=… runs=N on stderr.");
        lines.Add("Exit status: 0 success, 1 bad input (file, shape or option value), 2 bad command line.");
        return string.Join(Environment.NewLine, lines);
    }
}
