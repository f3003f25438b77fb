using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// The 3×3 kernels of a dense stride-1 conv2d transformed once for Winograd F(m×m, 3×3):
/// <c>U = G·g·Gᵀ</c>, (m + 2)² values per (output, input) channel pair, computed in double and
/// rounded once. For m = 2, <c>G = [[1,0,0], [½,½,½], [½,−½,½], [0,0,1]]</c>; for m = 4,
/// <c>G = [[¼,0,0], [−⅙,−⅙,−⅙], [−⅙,⅙,−⅙], [1/24,1/12,⅙], [1/24,−1/12,⅙], [0,0,1]]</c> (Lavin and
/// Gray's points 0, ±1, ±2, ∞). Layout, for each transform position ij (<c>ij = (m + 2)·i + j</c>):
/// each block of 8 output channels as [ci][8] (the eight weights one input vector meets are
/// adjacent, as <see cref="PackedWeights"/>), then each remaining output channel as [ci]. The
/// kernel is rotated 180° here for true convolution.
/// </summary>
internal static class WinogradWeights
{
    private static readonly double[,] G2 = { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } };
    private static readonly double[,] G4 =
    {
        { 1 / 4.0, 0, 0 }, { -1 / 6.0, -1 / 6.0, -1 / 6.0 }, { -1 / 6.0, 1 / 6.0, -1 / 6.0 },
        { 1 / 24.0, 1 / 12.0, 1 / 6.0 }, { 1 / 24.0, -1 / 12.0, 1 / 6.0 }, { 0, 0, 1 },
    };

    /// <summary>Floats the transformed weights take: (m + 2)² · Cout · Cin.</summary>
    public static int Length(Tensor weight, int tile) => (tile + 2) * (tile + 2) * weight.Dim(0) * weight.Dim(1);

    public static void Transform(Tensor weight, bool flip, int tile, Span<float> packed)
    {
        var gm = tile == 4 ? G4 : G2;
        int cout = weight.Dim(0), cin = weight.Dim(1), a = tile + 2, positions = a * a;
        var w = weight.Data;
        var u = new double[cout, cin, positions];
        Span<double> g = stackalloc double[9];
        Span<double> gg = stackalloc double[3 * a]; // G·g: a×3
        for (int co = 0; co < cout; co++)
            for (int ci = 0; ci < cin; ci++)
            {
                int at = (co * cin + ci) * 9;
                for (int i = 0; i < 9; i++) g[i] = w[flip ? at + 8 - i : at + i];
                for (int i = 0; i < a; i++)
                    for (int c = 0; c < 3; c++)
                        gg[3 * i + c] = gm[i, 0] * g[c] + gm[i, 1] * g[3 + c] + gm[i, 2] * g[6 + c];
                for (int i = 0; i < a; i++)
                    for (int j = 0; j < a; j++)
                        u[co, ci, a * i + j] = gg[3 * i] * gm[j, 0] + gg[3 * i + 1] * gm[j, 1] + gg[3 * i + 2] * gm[j, 2];
            }
        int p = 0;
        for (int ij = 0; ij < positions; ij++)
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
