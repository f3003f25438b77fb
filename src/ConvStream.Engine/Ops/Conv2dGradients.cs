using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>Gradients of a loss with respect to conv2d's input, weight and bias.</summary>
public sealed record Conv2dGradients(Tensor GradInput, Tensor GradWeight, Tensor GradBias);
