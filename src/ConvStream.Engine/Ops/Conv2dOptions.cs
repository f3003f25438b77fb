using ConvStream.Engine.Geometry;

namespace ConvStream.Engine.Ops;

/// <summary>
/// Geometry and behaviour of a 2-D convolution, PyTorch's <c>conv2d</c> plus border modes for
/// the padded samples, true convolution (<see cref="Flip"/>) and a fused ReLU.
/// </summary>
public sealed record Conv2dOptions
{
    /// <summary>Step between output positions, per axis (1 by default).</summary>
    public Size2 Stride { get; init; } = 1;
    /// <summary>Spacing of the kernel taps, per axis: the effective kernel is dilation·(k − 1) + 1.</summary>
    public Size2 Dilation { get; init; } = 1;
    /// <summary>Padding around the input: valid (default), same, full or explicit.</summary>
    public Padding Padding { get; init; } = Padding.Valid;
    /// <summary>What the padded samples hold. Zeros by default, as PyTorch's padding_mode.</summary>
    public BorderMode Border { get; init; } = BorderMode.Zeros;
    /// <summary>Channel groups: each output channel sees Cin/groups input channels (depthwise when groups = channels).</summary>
    public int Groups { get; init; } = 1;
    /// <summary>True convolution: the kernel rotated 180° (scipy.signal.convolve2d). Default is cross-correlation.</summary>
    public bool Flip { get; init; }
    /// <summary>Apply max(0, x) to the output in the same pass.</summary>
    public bool Relu { get; init; }
}
