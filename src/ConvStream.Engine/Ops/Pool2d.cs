using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>Max and average pooling of (C,H,W) or (N,C,H,W) float32 tensors, as PyTorch's.</summary>
public static class Pool2d
{
    public static Tensor Max(Tensor input, Pool2dOptions options) => Pool2dReference.MaxPool(input, options);
    public static Tensor Average(Tensor input, Pool2dOptions options) => Pool2dReference.AvgPool(input, options);
}
