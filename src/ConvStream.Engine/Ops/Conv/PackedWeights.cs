using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// Conv weights rearranged once into the order <see cref="ConvRowKernel{TVec,TOps}"/> reads them.
/// Taps are numbered (ci, ky, kx) within a group; the kernel is rotated 180° here for true
/// convolution, so no hot loop knows about flipping. Per group: each block of 8 output channels as
/// [tap][8] (the eight weights one input load meets are adjacent), then one block of 4 if at least
/// 4 channels remain, as [tap][4], then each remaining channel as [tap].
/// </summary>
internal static class PackedWeights
{
    /// <summary>Taps per output channel: Cin/groups · KH · KW.</summary>
    public static int TapCount(Tensor weight) => weight.Dim(1) * weight.Dim(2) * weight.Dim(3);

    /// <summary>The weights as they are, [Cout][Cin/groups][KH][KW], only rotated for true convolution.</summary>
    public static void PackPlain(Tensor weight, bool flip, Span<float> packed)
    {
        int slice = weight.Dim(2) * weight.Dim(3);
        var w = weight.Span;
        for (int s = 0; s < weight.Length; s += slice)
            for (int i = 0; i < slice; i++) packed[s + i] = w[flip ? s + slice - 1 - i : s + i];
    }

    public static void Pack(Tensor weight, int groups, bool flip, Span<float> packed)
    {
        int cout = weight.Dim(0), cinG = weight.Dim(1), kh = weight.Dim(2), kw = weight.Dim(3);
        int coutG = cout / groups, taps = cinG * kh * kw;
        var w = weight.Data;
        int at = 0;
        for (int g = 0; g < groups; g++)
        {
            int co = g * coutG, end = co + coutG;
            for (; co + 8 <= end; co += 8) at = Block(packed, at, co, 8);
            if (co + 4 <= end) { at = Block(packed, at, co, 4); co += 4; }
            for (; co < end; co++) at = Block(packed, at, co, 1);
        }

        int Block(Span<float> dst, int at, int first, int size)
        {
            for (int t = 0; t < taps; t++)
                for (int r = 0; r < size; r++)
                    dst[at++] = w[Source(first + r, t)];
            return at;
        }

        int Source(int co, int t)
        {
            int kx = t % kw, ky = t / kw % kh, ci = t / (kw * kh);
            if (flip) { kx = kw - 1 - kx; ky = kh - 1 - ky; }
            return ((co * cinG + ci) * kh + ky) * kw + kx;
        }
    }
}
