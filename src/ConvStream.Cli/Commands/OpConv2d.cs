using ConvStream.Engine.Io;
using ConvStream.Engine.Ops;

namespace ConvStream.Cli.Commands;

/// <summary><c>convstream op conv2d</c>: PyTorch's conv2d plus border modes, true convolution and a fused ReLU.</summary>
internal static class OpConv2d
{
    public const string Synopsis =
        "conv2d --input X.npy --weight W.npy [--bias B.npy] [--stride S|SH,SW] [--padding valid|same|full|P|PH,PW|T,B,L,R] " +
        "[--dilation D|DH,DW] [--groups G] [--border zeros|replicate|reflect|symmetric|circular] [--flip] [--relu] --output Y.npy";

    private const string Usage =
        "usage: convstream op " + Synopsis + "\n\n" +
        "2-D cross-correlation (PyTorch's conv2d; --flip for true convolution) of X (C,H,W) or (N,C,H,W)\n" +
        "with W (Cout, Cin/groups, KH, KW) and optional bias B (Cout).\n\n" +
        "  --input X.npy           the input tensor\n" +
        "  --weight W.npy          the kernels\n" +
        "  --bias B.npy            one value per output channel\n" +
        OpOptions.ConvGeometryHelp +
        "  --output Y.npy          the result, float32, (Cout,OH,OW) or (N,Cout,OH,OW) like the input\n" +
        OpOptions.RepeatHelp;

    public static int Run(string[] argv)
    {
        var args = new ArgReader(argv, "conv2d", OpOptions.Flags);
        if (OpOptions.ShowHelp(args, Usage)) return 0;
        var options = ReadConv2dOptions(args);
        string inputPath = args.Required("--input"), weightPath = args.Required("--weight");
        string? biasPath = args.Optional("--bias");
        string output = OpOptions.OutputPath(args, "--output");
        int repeat = OpOptions.Repeat(args);
        args.EnsureAllUsed();

        var input = OpOptions.Read("--input", inputPath);
        var weight = OpOptions.Read("--weight", weightPath);
        var bias = biasPath is null ? null : OpOptions.Read("--bias", biasPath);
        var result = OpOptions.Run(repeat, () => Conv2d.Forward(input, weight, bias, options),
            y => Conv2d.Forward(input, weight, bias, options, y));
        Npy.Write(output, result);
        return 0;
    }

    /// <summary>conv2d's options, shared with conv2d-backward.</summary>
    internal static Conv2dOptions ReadConv2dOptions(ArgReader args) => new()
    {
        Stride = OpOptions.Pair(args, "--stride", 1, 1, "stride"),
        Padding = OpOptions.ConvPadding(args),
        Dilation = OpOptions.Pair(args, "--dilation", 1, 1, "dilation"),
        Groups = OpOptions.Groups(args),
        Border = OpOptions.Border(args),
        Flip = args.Flag("--flip"),
        Relu = args.Flag("--relu"),
    };
}
