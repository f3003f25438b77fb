using ConvStream.Engine.Geometry;
using ConvStream.Engine.Io;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Tensors;

namespace ConvStream.Cli.Commands;

/// <summary>What max-pool2d and avg-pool2d share: their options and their run.</summary>
internal static class OpPool2d
{
    public const string CommonHelp =
        "  --input X.npy           the input tensor, (C,H,W) or (N,C,H,W)\n" +
        "  --kernel K|KH,KW        the window\n" +
        "  --stride S|SH,SW        step between windows (default: the kernel)\n" +
        "  --padding P|PH,PW       implicit padding on each side, at most half the kernel (default 0)\n";

    public static int Run(string[] argv, string name, bool isMax, string usage)
    {
        var args = new ArgReader(argv, name, OpOptions.Flags);
        if (OpOptions.ShowHelp(args, usage)) return 0;
        var kernel = OpOptions.OptionalPair(args, "--kernel", 1, "kernel") ?? throw new UsageException($"{name} needs --kernel");
        var options = new Pool2dOptions
        {
            Kernel = kernel,
            Stride = OpOptions.OptionalPair(args, "--stride", 1, "stride"),
            Padding = OpOptions.Pair(args, "--padding", 0, 0, "padding"),
            Dilation = isMax ? OpOptions.Pair(args, "--dilation", 1, 1, "dilation") : new Size2(1, 1),
            CeilMode = args.Flag("--ceil-mode"),
            CountIncludePad = isMax || !args.Flag("--exclude-pad"),
        };
        string inputPath = args.Required("--input");
        string output = OpOptions.OutputPath(args, "--output");
        int repeat = OpOptions.Repeat(args);
        args.EnsureAllUsed();

        var input = OpOptions.Read("--input", inputPath);
        var result = isMax
            ? OpOptions.Run(repeat, () => Pool2d.Max(input, options), y => Pool2d.Max(input, options, y))
            : OpOptions.Run(repeat, () => Pool2d.Average(input, options), y => Pool2d.Average(input, options, y));
        Npy.Write(output, result);
        return 0;
    }
}
