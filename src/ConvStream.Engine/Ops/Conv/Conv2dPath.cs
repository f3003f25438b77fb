namespace ConvStream.Engine.Ops.Conv;

/// <summary>Which implementation a <see cref="Conv2dPlan"/> runs; chosen by the plan, never by callers.</summary>
public enum Conv2dPath
{
    /// <summary>Any geometry: resolved input rows, register-blocked taps (<see cref="DirectConv"/>).</summary>
    Direct,
    /// <summary>1×1, stride 1, no padding: a matrix product over the pixels (<see cref="PointwiseConv"/>).</summary>
    Pointwise,
    /// <summary>One input channel per output, vertical stride and dilation 1: four output rows per input load (<see cref="DepthwiseConv"/>).</summary>
    Depthwise,
    /// <summary>Every kernel slice is rank 1 and large enough: row pass then column pass (<see cref="SeparableConv"/>).</summary>
    Separable,
    /// <summary>Dense stride-1 3×3 with enough channels: Winograd F(2×2, 3×3), 2.25× fewer multiply-adds (<see cref="WinogradConv"/>).</summary>
    Winograd,
    /// <summary>Dense stride-1 3×3 with enough channels: Winograd F(4×4, 3×3), 4× fewer multiply-adds (<see cref="WinogradConv"/>).</summary>
    Winograd4x4,
}
