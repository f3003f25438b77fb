namespace ConvStream.Cli.Commands;

/// <summary><c>convstream op max-pool2d</c>: PyTorch's max_pool2d (padding counts as −∞).</summary>
internal static class OpMaxPool2d
{
    public const string Synopsis =
        "max-pool2d --input X.npy --kernel K|KH,KW [--stride S|SH,SW] [--padding P|PH,PW] [--dilation D|DH,DW] [--ceil-mode] --output Y.npy";

    private const string Usage =
        "usage: convstream op " + Synopsis + "\n\n" +
        "Max pooling, as PyTorch's max_pool2d.\n\n" +
        OpPool2d.CommonHelp +
        "  --dilation D|DH,DW      spacing of the window's taps (default 1)\n" +
        "  --ceil-mode             round the output size up (keep a last partial window)\n" +
        "  --output Y.npy          the result, float32, with the input's batch convention\n" +
        OpOptions.RepeatHelp;

    public static int Run(string[] argv) => OpPool2d.Run(argv, "max-pool2d", isMax: true, Usage);
}
