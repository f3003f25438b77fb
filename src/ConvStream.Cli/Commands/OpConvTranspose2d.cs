using System.CommandLine;
using ConvStream.Engine.Io;
using ConvStream.Engine.Ops;

namespace ConvStream.Cli.Commands;

/// <summary><c>convstream op conv-transpose2d</c>: PyTorch's conv_transpose2d.</summary>
internal static class OpConvTranspose2d
{
    public const string Synopsis =
        "conv-transpose2d --input X.npy --weight W.npy [--bias B.npy] [--stride S|SH,SW] [--padding P|PH,PW] " +
        "[--output-padding P|PH,PW] [--dilation D|DH,DW] [--groups G] --output Y.npy";

    public static Command Create()
    {
        var command = OpOptions.Command("conv-transpose2d",
            "Transposed convolution (PyTorch's conv_transpose2d) of X (C,H,W) or (N,C,H,W) with W (Cin, Cout/groups, KH, KW) " +
            "and optional bias B (Cout). Output size per axis: (in-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1.",
            Synopsis, "conv-transpose2d --input x.npy --weight w.npy --stride 2 --output y.npy");
        var input = OpOptions.NpyFile("--input", "X.npy", "the input tensor");
        var weight = OpOptions.NpyFile("--weight", "W.npy", "the kernels, (Cin, Cout/groups, KH, KW)");
        var bias = OpOptions.NpyFile("--bias", "B.npy", "one value per output channel", required: false);
        var stride = OpOptions.Axes("--stride", "S|SH,SW", "upsampling step", "1");
        var padding = OpOptions.Axes("--padding", "P|PH,PW", "removed from each side of the full output", "0");
        var outputPadding = OpOptions.Axes("--output-padding", "P|PH,PW", "added to the bottom/right; smaller than stride or dilation", "0");
        var dilation = OpOptions.Axes("--dilation", "D|DH,DW", "spacing of the kernel taps", "1");
        var groups = OpOptions.Axes("--groups", "G", "split channels into G groups", "1");
        var output = OpOptions.NpyFile("--output", "Y.npy", "the result, float32, with the input's batch convention");
        var repeat = OpOptions.RepeatOption();
        foreach (var option in new Option[] { input, weight, bias, stride, padding, outputPadding, dilation, groups, output, repeat })
            command.Options.Add(option);
        command.SetAction(r => OpCommand.Guard(() =>
        {
            var options = new ConvTranspose2dOptions
            {
                Stride = OpOptions.Pair("--stride", r.GetValue(stride), 1, 1, "stride"),
                Padding = OpOptions.Pair("--padding", r.GetValue(padding), 0, 0, "padding"),
                OutputPadding = OpOptions.Pair("--output-padding", r.GetValue(outputPadding), 0, 0, "output padding"),
                Dilation = OpOptions.Pair("--dilation", r.GetValue(dilation), 1, 1, "dilation"),
                Groups = OpOptions.Groups(r.GetValue(groups)),
            };
            string outputPath = OpOptions.OutputPath("--output", r.GetValue(output)!);
            int repeats = OpOptions.Repeat(r.GetValue(repeat));
            var x = OpOptions.Read("--input", r.GetValue(input)!);
            var w = OpOptions.Read("--weight", r.GetValue(weight)!);
            var b = r.GetValue(bias) is string biasPath ? OpOptions.Read("--bias", biasPath) : null;
            var result = OpOptions.Run(repeats, () => ConvTranspose2d.Forward(x, w, b, options), y => ConvTranspose2d.Forward(x, w, b, options, y));
            Npy.Write(outputPath, result);
            return 0;
        }));
        return command;
    }
}
