namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// One output row segment of a direct convolution, with every border already resolved: each tap
/// is a pointer to the sample that output column 0 reads, so output column x reads
/// <c>Taps[t][x]</c>, contiguous in x. The kernel computes
/// <c>Out[c·OutChannelStride + x] = act(Bias[c] + Σ_t Taps[t][x] · w(c, t))</c> for c in [0, Cout),
/// with the weights packed by <see cref="PackedWeights"/>.
/// </summary>
internal readonly unsafe struct ConvRowJob(nint* taps, int tapCount, float* weights, int cout, float* output, nint outChannelStride, float* bias, bool relu)
{
    public readonly nint* Taps = taps;
    public readonly int TapCount = tapCount;
    /// <summary>Blocks of 4 output channels as [tap][4], then each remaining channel as [tap].</summary>
    public readonly float* Weights = weights;
    public readonly int Cout = cout;
    public readonly float* Output = output;
    public readonly nint OutChannelStride = outChannelStride;
    /// <summary>Cout values, or null for no bias.</summary>
    public readonly float* Bias = bias;
    public readonly bool Relu = relu;
}
