using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>conv2d's backward pass: gradients with respect to input, weight and bias.</summary>
public static class Conv2dBackward
{
    public static Conv2dGradients Backward(Tensor input, Tensor weight, Tensor gradOutput, Conv2dOptions options)
        => Conv2dBackwardReference.Backward(input, weight, gradOutput, options);

    /// <summary>The output gradient must have exactly the forward output's shape.</summary>
    internal static void CheckGradOutput(Conv2dShape s, int inputRank, Tensor gradOutput)
    {
        var expected = s.OutputShape(inputRank);
        if (!gradOutput.Shape.SequenceEqual(expected))
            throw new ConvStreamException($"grad-output must have the forward output's shape {Tensor.ShapeString(expected)} but has {gradOutput.ShapeText}");
    }
}
