using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>Transposed convolution, as PyTorch's <c>conv_transpose2d</c>.</summary>
public static class ConvTranspose2d
{
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, ConvTranspose2dOptions options)
        => ConvTranspose2dReference.Forward(input, weight, bias, options);
}
