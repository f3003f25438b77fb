using ConvStream.Engine.Io;
using ConvStream.Engine.Ops;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream op conv2d-backward</c>: the gradients of conv2d with respect to input, weight and
/// bias for a given output gradient, as PyTorch's autograd gives them. The three files are
/// written all or nothing.
/// </summary>
internal static class OpConv2dBackward
{
    public const string Synopsis =
        "conv2d-backward --input X.npy --weight W.npy --grad-output G.npy [conv2d's --stride --padding --dilation --groups --border --flip --relu] " +
        "--grad-input GI.npy --grad-weight GW.npy --grad-bias GB.npy";

    private const string Usage =
        "usage: convstream op " + Synopsis + "\n\n" +
        "Gradients of a loss L through y = conv2d(X, W) + b, given G = dL/dy of the forward output's shape:\n" +
        "dL/dX (X's shape), dL/dW (W's shape) and dL/db (Cout). With --relu, y = relu(conv2d(X, W)) (no bias).\n\n" +
        "  --input X.npy           the forward input, (C,H,W) or (N,C,H,W)\n" +
        "  --weight W.npy          the kernels, (Cout, Cin/groups, KH, KW)\n" +
        "  --grad-output G.npy     dL/dy, the shape of conv2d's output\n" +
        OpOptions.ConvGeometryHelp +
        "  --grad-input GI.npy     dL/dX\n" +
        "  --grad-weight GW.npy    dL/dW\n" +
        "  --grad-bias GB.npy      dL/db\n" +
        "  (the three outputs are written all or nothing)\n" +
        OpOptions.RepeatHelp;

    public static int Run(string[] argv)
    {
        var args = new ArgReader(argv, "conv2d-backward", OpOptions.Flags);
        if (OpOptions.ShowHelp(args, Usage)) return 0;
        var options = OpConv2d.ReadConv2dOptions(args);
        string inputPath = args.Required("--input"), weightPath = args.Required("--weight"), gradPath = args.Required("--grad-output");
        string gi = OpOptions.OutputPath(args, "--grad-input");
        string gw = OpOptions.OutputPath(args, "--grad-weight");
        string gb = OpOptions.OutputPath(args, "--grad-bias");
        int repeat = OpOptions.Repeat(args);
        args.EnsureAllUsed();
        string[] fulls = [Path.GetFullPath(gi), Path.GetFullPath(gw), Path.GetFullPath(gb)];
        if (fulls.Distinct().Count() != 3)
            throw new UsageException("--grad-input, --grad-weight and --grad-bias must be three different files");

        var input = OpOptions.Read("--input", inputPath);
        var weight = OpOptions.Read("--weight", weightPath);
        var gradOutput = OpOptions.Read("--grad-output", gradPath);
        var grads = OpOptions.Run(repeat, () => Conv2dBackward.Backward(input, weight, gradOutput, options));
        OpOptions.WriteAll([(gi, grads.GradInput), (gw, grads.GradWeight), (gb, grads.GradBias)]);
        return 0;
    }
}
