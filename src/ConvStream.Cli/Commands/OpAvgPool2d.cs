namespace ConvStream.Cli.Commands;

/// <summary><c>convstream op avg-pool2d</c>: PyTorch's avg_pool2d.</summary>
internal static class OpAvgPool2d
{
    public const string Synopsis =
        "avg-pool2d --input X.npy --kernel K|KH,KW [--stride S|SH,SW] [--padding P|PH,PW] [--ceil-mode] [--exclude-pad] --output Y.npy";

    private const string Usage =
        "usage: convstream op " + Synopsis + "\n\n" +
        "Average pooling, as PyTorch's avg_pool2d.\n\n" +
        OpPool2d.CommonHelp +
        "  --ceil-mode             round the output size up (keep a last partial window)\n" +
        "  --exclude-pad           divide by the samples inside the input only (count_include_pad=False)\n" +
        "  --output Y.npy          the result, float32, with the input's batch convention\n" +
        OpOptions.RepeatHelp;

    public static int Run(string[] argv) => OpPool2d.Run(argv, "avg-pool2d", isMax: false, Usage);
}
