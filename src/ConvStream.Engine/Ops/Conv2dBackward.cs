using ConvStream.Engine.Ops.Backward;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// conv2d's backward pass: gradients with respect to input, weight and bias, as PyTorch's
/// autograd gives them. Vectorized at the settings' SIMD level (default <see cref="ExecutionSettings.Default"/>), threads over output channels
/// (grad-weight) and input planes (grad-input); equals <see cref="Conv2dBackwardReference"/> up to
/// float rounding of the sums.
/// </summary>
public static class Conv2dBackward
{
    public static Conv2dGradients Backward(Tensor input, Tensor weight, Tensor gradOutput, Conv2dOptions options, ExecutionSettings? settings = null)
        => BackwardKernel.Run(input, weight, null, gradOutput, options, settings ?? ExecutionSettings.Default);

    /// <summary>
    /// With the forward's <paramref name="bias"/>: only matters for the fused ReLU, whose gate is
    /// the forward output including the bias.
    /// </summary>
    public static Conv2dGradients Backward(Tensor input, Tensor weight, Tensor? bias, Tensor gradOutput, Conv2dOptions options, ExecutionSettings? settings = null)
        => BackwardKernel.Run(input, weight, bias, gradOutput, options, settings ?? ExecutionSettings.Default);

    /// <summary>The output gradient must have exactly the forward output's shape.</summary>
    internal static void CheckGradOutput(Conv2dShape s, int inputRank, Tensor gradOutput)
    {
        var expected = s.OutputShape(inputRank);
        if (!gradOutput.Shape.SequenceEqual(expected))
            throw new ConvStreamException($"grad-output must have the forward output's shape {Tensor.ShapeString(expected)} but has {gradOutput.ShapeText}");
    }
}
