using ConvStream.Engine.Geometry;

namespace ConvStream.Engine.Ops;

/// <summary>PyTorch's <c>conv_transpose2d</c> arguments; weights are (Cin, Cout/groups, KH, KW).</summary>
public sealed record ConvTranspose2dOptions
{
    public Size2 Stride { get; init; } = 1;
    /// <summary>Removed from each side of the full output (symmetric per axis).</summary>
    public Size2 Padding { get; init; } = 0;
    /// <summary>Added to one side (bottom/right) of the output; must be smaller than stride or dilation.</summary>
    public Size2 OutputPadding { get; init; } = 0;
    public Size2 Dilation { get; init; } = 1;
    public int Groups { get; init; } = 1;
}
