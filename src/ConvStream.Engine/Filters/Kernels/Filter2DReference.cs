using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Filters.Kernels;

/// <summary>
/// The specification of <see cref="Filter2D"/>: one output sample at a time, borders through
/// <see cref="BorderModes.Map"/>, the same FMA order (bias, then the non-zero taps in
/// (ci, ky, kx) order) and the same final rounding. Slow; for tests.
/// </summary>
internal static class Filter2DReference
{
    public static void Apply(Filter2DKernel k, Frame src, Frame dst)
    {
        int w = src.Width, h = src.Height, c = src.Channels;
        int cout = k.OutputChannels(c);
        if (!k.PerChannel && c != k.InChannels)
            throw new ConvStreamException($"kernel expects {k.InChannels} input channels but the frame has {c}");
        var input = FrameConvert.ToPackedFloats(src);
        var row = new float[w * cout];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
                for (int o = 0; o < cout; o++)
                {
                    int co = k.PerChannel ? 0 : o;
                    float acc = k.Bias[co];
                    for (int ci = 0; ci < k.InChannels; ci++)
                        for (int ky = 0; ky < k.KH; ky++)
                            for (int kx = 0; kx < k.KW; kx++)
                            {
                                float wt = k.Weight(co, ci, ky, kx);
                                if (wt == 0f) continue;
                                int sy = BorderModes.Map(y + ky - k.AnchorY, h, k.Border);
                                int sx = BorderModes.Map(x + kx - k.AnchorX, w, k.Border);
                                int ch = k.PerChannel ? o : ci;
                                float v = sy < 0 || sx < 0 ? 0f : input[(sy * w + sx) * c + ch];
                                acc = MathF.FusedMultiplyAdd(v, wt, acc);
                            }
                    row[x * cout + o] = acc;
                }
            FrameConvert.FloatToRow(row, dst, y, Simd.SimdLevel.Scalar);
        }
    }
}
