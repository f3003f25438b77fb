using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// The 3×3 kernels of a dense stride-1 conv2d transformed once for Winograd F(2×2, 3×3):
/// <c>U = G·g·Gᵀ</c> with <c>G = [[1,0,0], [½,½,½], [½,−½,½], [0,0,1]]</c>, sixteen values per
/// (output, input) channel pair, computed in double and rounded once. Layout, for each of the 16
/// transform positions ij (<c>ij = 4·i + j</c>): each block of 8 output channels as [ci][8] (the
/// eight weights one input vector meets are adjacent, as <see cref="PackedWeights"/>), then each
/// remaining output channel as [ci]. The kernel is rotated 180° here for true convolution.
/// </summary>
internal static class WinogradWeights
{
    /// <summary>Floats the transformed weights take: 16 · Cout · Cin.</summary>
    public static int Length(Tensor weight) => 16 * weight.Dim(0) * weight.Dim(1);

    public static void Transform(Tensor weight, bool flip, Span<float> packed)
    {
        int cout = weight.Dim(0), cin = weight.Dim(1);
        var w = weight.Data;
        var u = new double[cout, cin, 16];
        Span<double> g = stackalloc double[9];
        Span<double> gg = stackalloc double[12]; // G·g: 4×3
        for (int co = 0; co < cout; co++)
            for (int ci = 0; ci < cin; ci++)
            {
                int at = (co * cin + ci) * 9;
                for (int i = 0; i < 9; i++) g[i] = w[flip ? at + 8 - i : at + i];
                for (int c = 0; c < 3; c++)
                {
                    double g0 = g[c], g1 = g[3 + c], g2 = g[6 + c];
                    gg[c] = g0; gg[3 + c] = (g0 + g1 + g2) / 2; gg[6 + c] = (g0 - g1 + g2) / 2; gg[9 + c] = g2;
                }
                for (int i = 0; i < 4; i++)
                {
                    double g0 = gg[3 * i], g1 = gg[3 * i + 1], g2 = gg[3 * i + 2];
                    u[co, ci, 4 * i] = g0; u[co, ci, 4 * i + 1] = (g0 + g1 + g2) / 2;
                    u[co, ci, 4 * i + 2] = (g0 - g1 + g2) / 2; u[co, ci, 4 * i + 3] = g2;
                }
            }
        int p = 0;
        for (int ij = 0; ij < 16; ij++)
        {
            int co = 0;
            for (; co + 8 <= cout; co += 8)
                for (int ci = 0; ci < cin; ci++)
                    for (int r = 0; r < 8; r++) packed[p++] = (float)u[co + r, ci, ij];
            for (; co < cout; co++)
                for (int ci = 0; ci < cin; ci++) packed[p++] = (float)u[co, ci, ij];
        }
    }
}
