using System.CommandLine;

namespace ConvStream.Cli.Commands;

/// <summary><c>convstream op avg-pool2d</c>: PyTorch's avg_pool2d.</summary>
internal static class OpAvgPool2d
{
    public const string Synopsis =
        "avg-pool2d --input X.npy --kernel K|KH,KW [--stride S|SH,SW] [--padding P|PH,PW] [--ceil-mode] [--exclude-pad] --output Y.npy";

    public static Command Create() => OpPool2d.Create("avg-pool2d", isMax: false, "Average pooling, as PyTorch's avg_pool2d.", Synopsis,
        "avg-pool2d --input x.npy --kernel 2 --exclude-pad --output y.npy");
}
