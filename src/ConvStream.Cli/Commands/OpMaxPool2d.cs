using System.CommandLine;

namespace ConvStream.Cli.Commands;

/// <summary><c>convstream op max-pool2d</c>: PyTorch's max_pool2d (padding counts as −∞).</summary>
internal static class OpMaxPool2d
{
    public const string Synopsis =
        "max-pool2d --input X.npy --kernel K|KH,KW [--stride S|SH,SW] [--padding P|PH,PW] [--dilation D|DH,DW] [--ceil-mode] --output Y.npy";

    public static Command Create() => OpPool2d.Create("max-pool2d", isMax: true, "Max pooling, as PyTorch's max_pool2d.", Synopsis,
        "max-pool2d --input x.npy --kernel 3 --stride 2 --padding 1 --ceil-mode --output y.npy");
}
