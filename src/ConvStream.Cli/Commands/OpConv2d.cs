using System.CommandLine;
using ConvStream.Engine.Io;
using ConvStream.Engine.Ops;

namespace ConvStream.Cli.Commands;

/// <summary><c>convstream op conv2d</c>: PyTorch's conv2d plus border modes, true convolution and a fused ReLU.</summary>
internal static class OpConv2d
{
    public const string Synopsis =
        "conv2d --input X.npy --weight W.npy [--bias B.npy] [--stride S|SH,SW] [--padding valid|same|full|P|PH,PW|T,B,L,R] " +
        "[--dilation D|DH,DW] [--groups G] [--border zeros|replicate|reflect|symmetric|circular] [--flip] [--relu] --output Y.npy";

    public static Command Create()
    {
        var command = OpOptions.Command("conv2d",
            "2-D cross-correlation (PyTorch's conv2d; --flip for true convolution) of X (C,H,W) or (N,C,H,W) " +
            "with W (Cout, Cin/groups, KH, KW) and optional bias B (Cout).",
            Synopsis, "conv2d --input x.npy --weight w.npy --padding same --border reflect --output y.npy");
        var input = OpOptions.NpyFile("--input", "X.npy", "the input tensor");
        var weight = OpOptions.NpyFile("--weight", "W.npy", "the kernels");
        var bias = OpOptions.NpyFile("--bias", "B.npy", "one value per output channel", required: false);
        var geometry = new Conv2dOptionSet();
        var output = OpOptions.NpyFile("--output", "Y.npy", "the result, float32, (Cout,OH,OW) or (N,Cout,OH,OW) like the input");
        var repeat = OpOptions.RepeatOption();
        command.Options.Add(input);
        command.Options.Add(weight);
        command.Options.Add(bias);
        geometry.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(repeat);
        command.SetAction(r => OpCommand.Guard(() =>
        {
            var options = geometry.Read(r);
            string outputPath = OpOptions.OutputPath("--output", r.GetValue(output)!);
            int repeats = OpOptions.Repeat(r.GetValue(repeat));
            var x = OpOptions.Read("--input", r.GetValue(input)!);
            var w = OpOptions.Read("--weight", r.GetValue(weight)!);
            var b = r.GetValue(bias) is string biasPath ? OpOptions.Read("--bias", biasPath) : null;
            var result = OpOptions.Run(repeats, () => Conv2d.Forward(x, w, b, options), y => Conv2d.Forward(x, w, b, options, y));
            Npy.Write(outputPath, result);
            return 0;
        }));
        return command;
    }
}

/// <summary>conv2d's geometry options, shared with conv2d-backward.</summary>
internal sealed class Conv2dOptionSet
{
    private readonly Option<string> _stride = OpOptions.Axes("--stride", "S|SH,SW", "step between outputs", "1");
    private readonly Option<string> _padding = OpOptions.Axes("--padding", "MODE",
        "valid | same | full | P | PH,PW | T,B,L,R (top, bottom, left, right)", "valid");
    private readonly Option<string> _dilation = OpOptions.Axes("--dilation", "D|DH,DW", "spacing of the kernel taps", "1");
    private readonly Option<string> _groups = OpOptions.Axes("--groups", "G", "split channels into G groups (G = channels: depthwise)", "1");
    private readonly Option<string> _border = CommandLine.CliOption.Value("--border", "MODE",
        "padded samples: zeros | replicate | reflect | symmetric | circular", "zeros", completions: OpOptions.BorderNames);
    private readonly Option<bool> _flip = CommandLine.CliOption.Flag("--flip", "true convolution (kernel rotated 180°, as scipy.signal.convolve2d)");
    private readonly Option<bool> _relu = CommandLine.CliOption.Flag("--relu", "apply max(0, x) to the result");

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _stride, _padding, _dilation, _groups, _border, _flip, _relu }) command.Options.Add(option);
    }

    public Conv2dOptions Read(ParseResult r) => new()
    {
        Stride = OpOptions.Pair("--stride", r.GetValue(_stride), 1, 1, "stride"),
        Padding = OpOptions.ConvPadding(r.GetValue(_padding)),
        Dilation = OpOptions.Pair("--dilation", r.GetValue(_dilation), 1, 1, "dilation"),
        Groups = OpOptions.Groups(r.GetValue(_groups)),
        Border = OpOptions.Border(r.GetValue(_border)),
        Flip = r.GetValue(_flip),
        Relu = r.GetValue(_relu),
    };
}
