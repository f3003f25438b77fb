using ConvStream.Engine.Ops.Volumetric;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// 3-D convolution (cross-correlation by default) of (C,T,H,W) or (N,C,T,H,W) float32 tensors
/// with (Cout, Cin/groups, KT, KH, KW) weights, as PyTorch's <c>conv3d</c>. Every call equals
/// <see cref="Conv3dReference"/> to float rounding. To run the same convolution on many inputs
/// (a video stage, every frame), build a <see cref="Conv3dPlan"/> once.
/// </summary>
public static class Conv3d
{
    /// <summary>Convolves into a new tensor.</summary>
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, Conv3dOptions options)
        => new Conv3dPlan(weight, bias, options).Forward(input);

    /// <summary>Convolves into <paramref name="output"/>, which must have exactly the output's shape.</summary>
    public static void Forward(Tensor input, Tensor weight, Tensor? bias, Conv3dOptions options, Tensor output)
        => new Conv3dPlan(weight, bias, options).Forward(input, output);
}
