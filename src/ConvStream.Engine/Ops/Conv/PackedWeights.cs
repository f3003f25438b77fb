using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// Conv weights rearranged once into the order <see cref="ConvRowKernel{TVec,TOps}"/> reads them.
/// Taps are numbered (ci, ky, kx) within a group; the kernel is rotated 180° here for true
/// convolution, so no hot loop knows about flipping. Per group: each block of 4 output channels as
/// [tap][4] (the four weights one input load meets are adjacent), then each remaining channel as [tap].
/// </summary>
internal static class PackedWeights
{
    /// <summary>Taps per output channel: Cin/groups · KH · KW.</summary>
    public static int TapCount(Tensor weight) => weight.Dim(1) * weight.Dim(2) * weight.Dim(3);

    public static void Pack(Tensor weight, int groups, bool flip, Span<float> packed)
    {
        int cout = weight.Dim(0), cinG = weight.Dim(1), kh = weight.Dim(2), kw = weight.Dim(3);
        int coutG = cout / groups, taps = cinG * kh * kw;
        var w = weight.Data;
        int at = 0;
        for (int g = 0; g < groups; g++)
        {
            int first = g * coutG, blocks = coutG / 4;
            for (int b = 0; b < blocks; b++)
                for (int t = 0; t < taps; t++)
                    for (int r = 0; r < 4; r++)
                        packed[at++] = w[Source(first + 4 * b + r, t)];
            for (int co = first + 4 * blocks; co < first + coutG; co++)
                for (int t = 0; t < taps; t++)
                    packed[at++] = w[Source(co, t)];
        }

        int Source(int co, int t)
        {
            int kx = t % kw, ky = t / kw % kh, ci = t / (kw * kh);
            if (flip) { kx = kw - 1 - kx; ky = kh - 1 - ky; }
            return ((co * cinG + ci) * kh + ky) * kw + kx;
        }
    }
}
