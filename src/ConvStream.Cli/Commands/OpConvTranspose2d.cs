using ConvStream.Engine.Io;
using ConvStream.Engine.Ops;

namespace ConvStream.Cli.Commands;

/// <summary><c>convstream op conv-transpose2d</c>: PyTorch's conv_transpose2d.</summary>
internal static class OpConvTranspose2d
{
    public const string Synopsis =
        "conv-transpose2d --input X.npy --weight W.npy [--bias B.npy] [--stride S|SH,SW] [--padding P|PH,PW] " +
        "[--output-padding P|PH,PW] [--dilation D|DH,DW] [--groups G] --output Y.npy";

    private const string Usage =
        "usage: convstream op " + Synopsis + "\n\n" +
        "Transposed convolution (PyTorch's conv_transpose2d) of X (C,H,W) or (N,C,H,W) with\n" +
        "W (Cin, Cout/groups, KH, KW) and optional bias B (Cout). Output size per axis:\n" +
        "(in-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1.\n\n" +
        "  --input X.npy           the input tensor\n" +
        "  --weight W.npy          the kernels, (Cin, Cout/groups, KH, KW)\n" +
        "  --bias B.npy            one value per output channel\n" +
        "  --stride S|SH,SW        upsampling step (default 1)\n" +
        "  --padding P|PH,PW       removed from each side of the full output (default 0)\n" +
        "  --output-padding P|PH,PW  added to the bottom/right; smaller than stride or dilation (default 0)\n" +
        "  --dilation D|DH,DW      spacing of the kernel taps (default 1)\n" +
        "  --groups G              split channels into G groups\n" +
        "  --output Y.npy          the result, float32, with the input's batch convention\n" +
        OpOptions.RepeatHelp;

    public static int Run(string[] argv)
    {
        var args = new ArgReader(argv, "conv-transpose2d", OpOptions.Flags);
        if (OpOptions.ShowHelp(args, Usage)) return 0;
        var options = new ConvTranspose2dOptions
        {
            Stride = OpOptions.Pair(args, "--stride", 1, 1, "stride"),
            Padding = OpOptions.Pair(args, "--padding", 0, 0, "padding"),
            OutputPadding = OpOptions.Pair(args, "--output-padding", 0, 0, "output padding"),
            Dilation = OpOptions.Pair(args, "--dilation", 1, 1, "dilation"),
            Groups = OpOptions.Groups(args),
        };
        string inputPath = args.Required("--input"), weightPath = args.Required("--weight");
        string? biasPath = args.Optional("--bias");
        string output = OpOptions.OutputPath(args, "--output");
        int repeat = OpOptions.Repeat(args);
        args.EnsureAllUsed();

        var input = OpOptions.Read("--input", inputPath);
        var weight = OpOptions.Read("--weight", weightPath);
        var bias = biasPath is null ? null : OpOptions.Read("--bias", biasPath);
        var result = OpOptions.Run(repeat, () => ConvTranspose2d.Forward(input, weight, bias, options),
            y => ConvTranspose2d.Forward(input, weight, bias, options, y));
        Npy.Write(output, result);
        return 0;
    }
}
