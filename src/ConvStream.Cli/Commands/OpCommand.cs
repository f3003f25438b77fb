using System.CommandLine;
using ConvStream.Cli.CommandLine;
using ConvStream.Engine;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream op OP ...</c>: one engine operation on .npy files, for people who prototype in
/// NumPy/PyTorch and want the same answers from ConvStream. Each OP lives in its own file.
/// </summary>
internal static class OpCommand
{
    public const string Summary = "run one tensor operation (conv2d, conv3d, pools, conv-transpose2d, backward) on .npy files";

    private static readonly string[] Synopses =
        [OpConvTranspose2d.Synopsis, OpConv2d.Synopsis, OpConv2dBackward.Synopsis, OpConv3d.Synopsis, OpAvgPool2d.Synopsis, OpMaxPool2d.Synopsis];

    public static Command Create()
    {
        var command = new VerbCommand("op", Summary, "usage: convstream op OP [options]")
        {
            SubcommandKind = "op",
            Notes = "Runs one engine operation on .npy tensors (float32, float64, uint8, int16 or int32; C order; little endian),\n" +
                    "converted to float32. Activations are (C,H,W) or (N,C,H,W) (conv3d: (C,T,H,W) or (N,C,T,H,W)); the output is\n" +
                    "float32 with the input's batch convention. Semantics are PyTorch's (see convstream op OP --help)." +
                    Environment.NewLine + Environment.NewLine + "ops:" + Environment.NewLine + string.Join(Environment.NewLine, Synopses.Select(s => "  " + s)) + Environment.NewLine + Environment.NewLine +
                    "Every op also takes --repeat N: run N more times and print median_ms=… min_ms=… runs=N on stderr." + Environment.NewLine +
                    "Exit status: 0 success, 1 bad input (file, shape or option value), 2 bad command line.",
            Examples =
            [
                "convstream op conv2d --input x.npy --weight w.npy --stride 2 --padding 1 --output y.npy",
                "convstream op max-pool2d --input x.npy --kernel 2 --output y.npy --repeat 20",
            ],
        };
        foreach (var op in new[] { OpConv2d.Create(), OpConv3d.Create(), OpConvTranspose2d.Create(), OpMaxPool2d.Create(), OpAvgPool2d.Create(), OpConv2dBackward.Create() }
                     .OrderBy(c => c.Name, StringComparer.Ordinal))
            command.Subcommands.Add(op);
        // "convstream op" alone: the list of ops, and the exit status of an incomplete command line.
        command.SetAction(r => CliApp.ShowHelp(r, CliApp.ExitUsage));
        return command;
    }

    /// <summary>
    /// Runs one op. CliApp names the op in front of its errors ("convstream op conv2d: weight
    /// expects 4 input channels but the input has 3"): the engine's messages say what is wrong, not
    /// which op. One that quotes an OS error could hold a line break, and the report is one line.
    /// </summary>
    public static int Guard(Func<int> run)
    {
        try
        {
            return run();
        }
        catch (UsageException e)
        {
            throw new UsageException(e.Message.ReplaceLineEndings(" "), e);
        }
        catch (ConvStreamException e)
        {
            throw new ConvStreamException(e.Message.ReplaceLineEndings(" "), e);
        }
    }
}
