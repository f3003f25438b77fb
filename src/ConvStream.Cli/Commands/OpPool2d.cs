using System.CommandLine;
using ConvStream.Cli.CommandLine;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Io;
using ConvStream.Engine.Ops;

namespace ConvStream.Cli.Commands;

/// <summary>What max-pool2d and avg-pool2d share: their options and their run.</summary>
internal static class OpPool2d
{
    public static Command Create(string name, bool isMax, string description, string synopsis, string example)
    {
        var command = OpOptions.Command(name, description, synopsis, example);
        var input = OpOptions.NpyFile("--input", "X.npy", "the input tensor, (C,H,W) or (N,C,H,W)");
        var kernel = CliOption.Value("--kernel", "K|KH,KW", "the window", required: true);
        var stride = CliOption.Value("--stride", "S|SH,SW", "step between windows", defaultText: "the kernel");
        var padding = OpOptions.Axes("--padding", "P|PH,PW", "implicit padding on each side, at most half the kernel", "0");
        var dilation = isMax ? OpOptions.Axes("--dilation", "D|DH,DW", "spacing of the window's taps", "1") : null;
        var ceilMode = CliOption.Flag("--ceil-mode", "round the output size up (keep a last partial window)");
        var excludePad = isMax ? null : CliOption.Flag("--exclude-pad", "divide by the samples inside the input only (count_include_pad=False)");
        var output = OpOptions.NpyFile("--output", "Y.npy", "the result, float32, with the input's batch convention");
        var repeat = OpOptions.RepeatOption();
        foreach (var option in new Option?[] { input, kernel, stride, padding, dilation, ceilMode, excludePad, output, repeat })
            if (option is not null) command.Options.Add(option);
        command.SetAction(r => OpCommand.Guard(() =>
        {
            var options = new Pool2dOptions
            {
                Kernel = OpOptions.OptionalPair("--kernel", r.GetValue(kernel), 1, "kernel")!.Value,
                Stride = OpOptions.OptionalPair("--stride", r.GetValue(stride), 1, "stride"),
                Padding = OpOptions.Pair("--padding", r.GetValue(padding), 0, 0, "padding"),
                Dilation = dilation is null ? new Size2(1, 1) : OpOptions.Pair("--dilation", r.GetValue(dilation), 1, 1, "dilation"),
                CeilMode = r.GetValue(ceilMode),
                CountIncludePad = excludePad is null || !r.GetValue(excludePad),
            };
            string outputPath = OpOptions.OutputPath("--output", r.GetValue(output)!);
            int repeats = OpOptions.Repeat(r.GetValue(repeat));
            var x = OpOptions.Read("--input", r.GetValue(input)!);
            var result = isMax
                ? OpOptions.Run(repeats, () => Pool2d.Max(x, options), y => Pool2d.Max(x, options, y))
                : OpOptions.Run(repeats, () => Pool2d.Average(x, options), y => Pool2d.Average(x, options, y));
            Npy.Write(outputPath, result);
            return 0;
        }));
        return command;
    }
}
