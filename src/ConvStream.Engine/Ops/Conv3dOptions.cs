using ConvStream.Engine.Geometry;

namespace ConvStream.Engine.Ops;

/// <summary>
/// Geometry and behaviour of a 3-D convolution over (C,T,H,W) tensors: PyTorch's <c>conv3d</c>
/// (stride, padding, dilation and groups per axis, time first), plus border modes for the padded
/// samples, a separate rule for the padded frames in time, true convolution and a fused ReLU.
/// </summary>
public sealed record Conv3dOptions
{
    public Size3 Stride { get; init; } = 1;
    public Size3 Dilation { get; init; } = 1;
    public Padding3 Padding { get; init; } = Padding3.Valid;
    /// <summary>What the padded samples of each frame hold (rows and columns). Zeros by default, as PyTorch's padding_mode.</summary>
    public BorderMode Border { get; init; } = BorderMode.Zeros;
    /// <summary>
    /// What the padded frames before the first and after the last hold. Null means the same as
    /// <see cref="Border"/>, which is what PyTorch's padding_mode does on all three axes; video
    /// stages use zeros or replicate (the first and last frame repeated).
    /// </summary>
    public BorderMode? TemporalBorder { get; init; }
    public int Groups { get; init; } = 1;
    /// <summary>True convolution: the kernel reversed on all three axes. Default is cross-correlation.</summary>
    public bool Flip { get; init; }
    /// <summary>Apply max(0, x) to the output in the same pass.</summary>
    public bool Relu { get; init; }

    /// <summary>The rule in force for the padded frames in time.</summary>
    public BorderMode TimeBorder => TemporalBorder ?? Border;
}
