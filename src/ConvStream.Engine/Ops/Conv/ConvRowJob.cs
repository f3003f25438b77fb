namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// One output row segment of a direct convolution, with every border already resolved: each tap
/// is a pointer to the sample that output column 0 reads, so output column x reads
/// <c>Taps[t][x]</c>, contiguous in x. The kernel computes
/// <c>Out[c·OutChannelStride + x] = act(Bias[c] + Σ_t Taps[t][x] · w(c, t))</c> for c in [0, Cout),
/// with the weights packed by <see cref="PackedWeights"/>.
/// </summary>
internal readonly unsafe struct ConvRowJob(nint* taps, int tapCount, float* weights, int cout, float* output, nint outChannelStride, float* bias, bool relu, bool streaming = false)
{
    public readonly nint* Taps = taps;
    public readonly int TapCount = tapCount;
    /// <summary>Blocks of 8 output channels as [tap][8], one of 4 as [tap][4], then single channels as [tap].</summary>
    public readonly float* Weights = weights;
    public readonly int Cout = cout;
    public readonly float* Output = output;
    public readonly nint OutChannelStride = outChannelStride;
    /// <summary>Cout values, or null for no bias.</summary>
    public readonly float* Bias = bias;
    public readonly bool Relu = relu;
    /// <summary>
    /// Write the output with non-temporal stores: for outputs far larger than the caches, which
    /// would otherwise be read from memory before being overwritten (see <see cref="StreamingOutput"/>).
    /// </summary>
    public readonly bool Streaming = streaming;
}
