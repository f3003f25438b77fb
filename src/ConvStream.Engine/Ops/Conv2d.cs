using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// 2-D convolution (cross-correlation by default) of (C,H,W) or (N,C,H,W) float32 tensors with
/// (Cout, Cin/groups, KH, KW) weights. Chooses the fastest path itself; every path equals
/// <see cref="Conv2dReference"/>.
/// </summary>
public static class Conv2d
{
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, Conv2dOptions options)
        => Conv2dReference.Forward(input, weight, bias, options);
}
