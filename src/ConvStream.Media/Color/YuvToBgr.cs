namespace ConvStream.Media.Color;

/// <summary>
/// 8-bit Y'CbCr → BGR with BT.601 coefficients, in limited range (Y 16–235, chroma 16–240, what
/// ffmpeg assumes for Y4M and most video) or full range (XCOLORRANGE=FULL). Per-sample products
/// are tabulated once (16.16 fixed point), so a pixel costs five table reads and three clamps.
/// Subsampled chroma is replicated (nearest), as ffmpeg's unscaled yuv→rgb converter does.
/// </summary>
public sealed class YuvToBgr
{
    private readonly int[] _y = new int[256], _rv = new int[256], _gu = new int[256], _gv = new int[256], _bu = new int[256];

    public static readonly YuvToBgr Limited = new(fullRange: false);
    public static readonly YuvToBgr Full = new(fullRange: true);

    private YuvToBgr(bool fullRange)
    {
        // BT.601: Kr = 0.299, Kb = 0.114. Limited range stretches Y by 255/219 and chroma by 255/224.
        double ys = fullRange ? 1.0 : 255.0 / 219.0, cs = fullRange ? 1.0 : 255.0 / 224.0;
        int y0 = fullRange ? 0 : 16;
        const double Rv = 1.402, Gu = 0.344136286, Gv = 0.714136286, Bu = 1.772;
        for (int i = 0; i < 256; i++)
        {
            _y[i] = (int)Math.Round((i - y0) * ys * 65536) + 32768;
            _rv[i] = (int)Math.Round((i - 128) * cs * Rv * 65536);
            _gu[i] = (int)Math.Round((i - 128) * cs * Gu * 65536);
            _gv[i] = (int)Math.Round((i - 128) * cs * Gv * 65536);
            _bu[i] = (int)Math.Round((i - 128) * cs * Bu * 65536);
        }
    }

    /// <summary>
    /// One row of BGR from a row of Y and the chroma rows that cover it; <paramref name="chromaShift"/>
    /// is 1 when chroma is subsampled horizontally (4:2:0, 4:2:2), 0 for 4:4:4.
    /// </summary>
    public void Row(ReadOnlySpan<byte> y, ReadOnlySpan<byte> u, ReadOnlySpan<byte> v, int chromaShift, Span<byte> bgr)
    {
        int width = y.Length;
        for (int x = 0; x < width; x++)
        {
            int c = x >> chromaShift;
            int yy = _y[y[x]];
            int cu = u[c], cv = v[c];
            int i = x * 3;
            bgr[i] = Clamp((yy + _bu[cu]) >> 16);
            bgr[i + 1] = Clamp((yy - _gu[cu] - _gv[cv]) >> 16);
            bgr[i + 2] = Clamp((yy + _rv[cv]) >> 16);
        }
    }

    private static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
}
