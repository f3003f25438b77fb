using System.CommandLine;
using ConvStream.Engine.Ops;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream op conv2d-backward</c>: the gradients of conv2d with respect to input, weight and
/// bias for a given output gradient, as PyTorch's autograd gives them. The three files are
/// written all or nothing.
/// </summary>
internal static class OpConv2dBackward
{
    public const string Synopsis =
        "conv2d-backward --input X.npy --weight W.npy --grad-output G.npy [conv2d's --stride --padding --dilation --groups --border --flip --relu] " +
        "--grad-input GI.npy --grad-weight GW.npy --grad-bias GB.npy";

    public static Command Create()
    {
        var command = OpOptions.Command("conv2d-backward",
            "Gradients of a loss L through y = conv2d(X, W) + b, given G = dL/dy of the forward output's shape: " +
            "dL/dX (X's shape), dL/dW (W's shape) and dL/db (Cout). With --relu, y = relu(conv2d(X, W)) (no bias). " +
            "The three outputs are written all or nothing.",
            Synopsis, "conv2d-backward --input x.npy --weight w.npy --grad-output g.npy --stride 2 --grad-input gi.npy --grad-weight gw.npy --grad-bias gb.npy");
        var input = OpOptions.NpyFile("--input", "X.npy", "the forward input, (C,H,W) or (N,C,H,W)");
        var weight = OpOptions.NpyFile("--weight", "W.npy", "the kernels, (Cout, Cin/groups, KH, KW)");
        var gradOutput = OpOptions.NpyFile("--grad-output", "G.npy", "dL/dy, the shape of conv2d's output");
        var geometry = new Conv2dOptionSet();
        var gradInput = OpOptions.NpyFile("--grad-input", "GI.npy", "dL/dX");
        var gradWeight = OpOptions.NpyFile("--grad-weight", "GW.npy", "dL/dW");
        var gradBias = OpOptions.NpyFile("--grad-bias", "GB.npy", "dL/db");
        var repeat = OpOptions.RepeatOption();
        command.Options.Add(input);
        command.Options.Add(weight);
        command.Options.Add(gradOutput);
        geometry.AddTo(command);
        foreach (var option in new Option[] { gradInput, gradWeight, gradBias, repeat }) command.Options.Add(option);
        command.SetAction(r => OpCommand.Guard(() =>
        {
            var options = geometry.Read(r);
            string gi = OpOptions.OutputPath("--grad-input", r.GetValue(gradInput)!);
            string gw = OpOptions.OutputPath("--grad-weight", r.GetValue(gradWeight)!);
            string gb = OpOptions.OutputPath("--grad-bias", r.GetValue(gradBias)!);
            int repeats = OpOptions.Repeat(r.GetValue(repeat));
            string[] fulls = [Path.GetFullPath(gi), Path.GetFullPath(gw), Path.GetFullPath(gb)];
            if (fulls.Distinct().Count() != 3)
                throw new UsageException("--grad-input, --grad-weight and --grad-bias must be three different files");

            var x = OpOptions.Read("--input", r.GetValue(input)!);
            var w = OpOptions.Read("--weight", r.GetValue(weight)!);
            var g = OpOptions.Read("--grad-output", r.GetValue(gradOutput)!);
            var grads = OpOptions.Run(repeats, () => Conv2dBackward.Backward(x, w, g, options));
            OpOptions.WriteAll([(gi, grads.GradInput), (gw, grads.GradWeight), (gb, grads.GradBias)]);
            return 0;
        }));
        return command;
    }
}
