using ConvStream.Engine.Geometry;

namespace ConvStream.Engine.Ops;

/// <summary>
/// PyTorch's <c>max_pool2d</c>/<c>avg_pool2d</c> arguments. Stride defaults to the kernel size;
/// padding is symmetric per axis and at most half the kernel; dilation applies to max pooling.
/// </summary>
public sealed record Pool2dOptions
{
    /// <summary>The pooling window, per axis.</summary>
    public required Size2 Kernel { get; init; }
    /// <summary>Null means the kernel size, as PyTorch.</summary>
    public Size2? Stride { get; init; }
    /// <summary>Implicit padding on each side, per axis (−∞ for max, 0 for average), as PyTorch.</summary>
    public Size2 Padding { get; init; } = 0;
    /// <summary>Spacing of the window's samples (max pooling).</summary>
    public Size2 Dilation { get; init; } = 1;
    /// <summary>Round the output size up, keeping a last partial window that starts inside the input or left padding.</summary>
    public bool CeilMode { get; init; }
    /// <summary>Average pooling divides by the window including padded samples (PyTorch's default).</summary>
    public bool CountIncludePad { get; init; } = true;

    /// <summary>The stride in force: <see cref="Stride"/>, else the kernel size.</summary>
    public Size2 EffectiveStride => Stride ?? Kernel;
}
