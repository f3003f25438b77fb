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

    private const string Usage =
        "usage: convstream op " + Synopsis + "\n\n" +
        "3-D cross-correlation (PyTorch's conv3d; --flip for true convolution) of X (C,T,H,W) or (N,C,T,H,W)\n" +
        "with W (Cout, Cin/groups, KT, KH, KW) and optional bias B (Cout). Per-axis values are time first.\n\n" +
        "  --input X.npy           the input tensor (T = frames)\n" +
        "  --weight W.npy          the kernels\n" +
        "  --bias B.npy            one value per output channel\n" +
        "  --stride S|ST,SH,SW     step between outputs (default 1)\n" +
        "  --padding MODE          valid (default) | same | full | P | PT,PH,PW | F,B,T,B,L,R (front, back, top, bottom, left, right)\n" +
        "  --dilation D|DT,DH,DW   spacing of the kernel taps (default 1)\n" +
        "  --groups G              split channels into G groups (G = channels: depthwise)\n" +
        "  --border MODE           padded samples: zeros (default) | replicate | reflect | symmetric | circular\n" +
        "  --time-border MODE      padded frames before the first and after the last (default: --border, as PyTorch)\n" +
        "  --flip                  true convolution (kernel reversed on all three axes)\n" +
        "  --relu                  apply max(0, x) to the result\n" +
        "  --output Y.npy          the result, float32, (Cout,OT,OH,OW) or (N,Cout,OT,OH,OW) like the input\n" +
        OpOptions.RepeatHelp;

    public static int Run(string[] argv)
    {
        var args = new ArgReader(argv, "conv3d", OpOptions.Flags);
        if (OpOptions.ShowHelp(args, Usage)) return 0;
        var border = OpOptions.Border(args);
        string? timeBorder = args.Optional("--time-border");
        var options = new Conv3dOptions
        {
            Stride = Triple(args, "--stride", "stride"),
            Padding = Padding(args),
            Dilation = Triple(args, "--dilation", "dilation"),
            Groups = OpOptions.Groups(args),
            Border = border,
            TemporalBorder = timeBorder is null ? null : BorderModes.Parse(timeBorder, "--time-border"),
            Flip = args.Flag("--flip"),
            Relu = args.Flag("--relu"),
        };
        string inputPath = args.Required("--input"), weightPath = args.Required("--weight");
        string? biasPath = args.Optional("--bias");
        string output = OpOptions.OutputPath(args, "--output");
        int repeat = OpOptions.Repeat(args);
        args.EnsureAllUsed();

        var input = OpOptions.Read("--input", inputPath);
        var weight = OpOptions.Read("--weight", weightPath);
        var bias = biasPath is null ? null : OpOptions.Read("--bias", biasPath);
        var plan = new Engine.Ops.Volumetric.Conv3dPlan(weight, bias, options);
        var result = OpOptions.Run(repeat, () => plan.Forward(input), y => plan.Forward(input, y));
        Npy.Write(output, result);
        return 0;
    }

    /// <summary>N or T,H,W, each positive: a text that does not parse is a usage error (2), a value out of range bad input (1).</summary>
    private static Size3 Triple(ArgReader args, string option, string what)
    {
        string? text = args.Optional(option);
        if (text is null) return 1;
        Size3 v;
        try { v = Size3.Parse(text, option); }
        catch (ConvStreamException e) { throw new UsageException(e.Message, e); }
        if (v.T <= 0 || v.H <= 0 || v.W <= 0) throw new ConvStreamException($"{option} {text}: {what} must be positive");
        return v;
    }

    private static Padding3 Padding(ArgReader args)
    {
        string? text = args.Optional("--padding");
        if (text is null) return Padding3.Valid;
        Padding3 p;
        try { p = Padding3.Parse(text, "--padding"); }
        catch (ConvStreamException e) { throw new UsageException(e.Message, e); }
        if (p.AnyNegative) throw new ConvStreamException($"--padding {text}: padding must not be negative");
        return p;
    }
}
