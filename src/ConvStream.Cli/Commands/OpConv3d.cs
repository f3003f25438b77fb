using System.CommandLine;
using ConvStream.Cli.CommandLine;
using ConvStream.Engine;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Io;
using ConvStream.Engine.Ops;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream op conv3d</c>: PyTorch's conv3d on (C,T,H,W) / (N,C,T,H,W) tensors, with
/// conv2d's border modes, a separate temporal border, true convolution and a fused ReLU. The
/// options and their error rules are conv2d's, with a third (time) axis in front.
/// </summary>
internal static class OpConv3d
{
    public const string Synopsis =
        "conv3d --input X.npy --weight W.npy [--bias B.npy] [--stride S|ST,SH,SW] [--padding valid|same|full|P|PT,PH,PW|F,B,T,B,L,R] " +
        "[--dilation D|DT,DH,DW] [--groups G] [--border zeros|replicate|reflect|symmetric|circular] [--time-border MODE] [--flip] [--relu] --output Y.npy";

    public static Command Create()
    {
        var command = OpOptions.Command("conv3d",
            "3-D cross-correlation (PyTorch's conv3d; --flip for true convolution) of X (C,T,H,W) or (N,C,T,H,W) " +
            "with W (Cout, Cin/groups, KT, KH, KW) and optional bias B (Cout). Per-axis values are time first.",
            Synopsis, "conv3d --input clip.npy --weight w.npy --padding same --time-border replicate --output y.npy");
        var input = OpOptions.NpyFile("--input", "X.npy", "the input tensor (T = frames)");
        var weight = OpOptions.NpyFile("--weight", "W.npy", "the kernels");
        var bias = OpOptions.NpyFile("--bias", "B.npy", "one value per output channel", required: false);
        var stride = OpOptions.Axes("--stride", "S|ST,SH,SW", "step between outputs", "1");
        var padding = OpOptions.Axes("--padding", "MODE",
            "valid | same | full | P | PT,PH,PW | F,B,T,B,L,R (front, back, top, bottom, left, right)", "valid");
        var dilation = OpOptions.Axes("--dilation", "D|DT,DH,DW", "spacing of the kernel taps", "1");
        var groups = OpOptions.Axes("--groups", "G", "split channels into G groups (G = channels: depthwise)", "1");
        var border = CliOption.Value("--border", "MODE", "padded samples: zeros | replicate | reflect | symmetric | circular", "zeros",
            completions: OpOptions.BorderNames);
        var timeBorder = CliOption.Value("--time-border", "MODE", "padded frames before the first and after the last",
            defaultText: "--border, as PyTorch", completions: OpOptions.BorderNames);
        var flip = CliOption.Flag("--flip", "true convolution (kernel reversed on all three axes)");
        var relu = CliOption.Flag("--relu", "apply max(0, x) to the result");
        var output = OpOptions.NpyFile("--output", "Y.npy", "the result, float32, (Cout,OT,OH,OW) or (N,Cout,OT,OH,OW) like the input");
        var repeat = OpOptions.RepeatOption();
        foreach (var option in new Option[] { input, weight, bias, stride, padding, dilation, groups, border, timeBorder, flip, relu, output, repeat })
            command.Options.Add(option);
        command.SetAction(r => OpCommand.Guard(() =>
        {
            var options = new Conv3dOptions
            {
                Stride = Triple("--stride", r.GetValue(stride), "stride"),
                Padding = Padding(r.GetValue(padding)),
                Dilation = Triple("--dilation", r.GetValue(dilation), "dilation"),
                Groups = OpOptions.Groups(r.GetValue(groups)),
                Border = OpOptions.Border(r.GetValue(border)),
                TemporalBorder = r.GetValue(timeBorder) is string t ? BorderModes.Parse(t, "--time-border") : null,
                Flip = r.GetValue(flip),
                Relu = r.GetValue(relu),
            };
            string outputPath = OpOptions.OutputPath("--output", r.GetValue(output)!);
            int repeats = OpOptions.Repeat(r.GetValue(repeat));
            var x = OpOptions.Read("--input", r.GetValue(input)!);
            var w = OpOptions.Read("--weight", r.GetValue(weight)!);
            var b = r.GetValue(bias) is string biasPath ? OpOptions.Read("--bias", biasPath) : null;
            var plan = new Engine.Ops.Volumetric.Conv3dPlan(w, b, options);
            var result = OpOptions.Run(repeats, () => plan.Forward(x), y => plan.Forward(x, y));
            Npy.Write(outputPath, result);
            return 0;
        }));
        return command;
    }

    /// <summary>N or T,H,W, each positive: a text that does not parse is a usage error (2), a value out of range bad input (1).</summary>
    private static Size3 Triple(string option, string? text, string what)
    {
        if (text is null) return 1;
        Size3 v;
        try { v = Size3.Parse(text, option); }
        catch (ConvStreamException e) { throw new UsageException(e.Message, e); }
        if (v.T <= 0 || v.H <= 0 || v.W <= 0) throw new ConvStreamException($"{option} {text}: {what} must be positive");
        return v;
    }

    private static Padding3 Padding(string? text)
    {
        if (text is null) return Padding3.Valid;
        Padding3 p;
        try { p = Padding3.Parse(text, "--padding"); }
        catch (ConvStreamException e) { throw new UsageException(e.Message, e); }
        if (p.AnyNegative) throw new ConvStreamException($"--padding {text}: padding must not be negative");
        return p;
    }
}
