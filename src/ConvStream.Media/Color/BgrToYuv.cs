namespace ConvStream.Media.Color;

/// <summary>
/// BGR → 8-bit limited-range Y'CbCr with BT.601 coefficients, the inverse of
/// <see cref="YuvToBgr.Limited"/>. For 4:2:0 and 4:2:2 the chroma of a block is computed from the
/// block's mean colour (2×2 or 2×1 pixels, fewer at odd edges).
/// </summary>
public static class BgrToYuv
{
    // 16.16 fixed point of 219/255·(0.299, 0.587, 0.114) and 224/255·(Cb, Cr rows of BT.601).
    private const int YR = 16829, YG = 33039, YB = 6416;
    private const int UR = -9714, UG = -19071, UB = 28784;
    private const int VR = 28784, VG = -24103, VB = -4681;

    public static byte Luma(int b, int g, int r) => (byte)(((YR * r + YG * g + YB * b + 32768) >> 16) + 16);

    public static void LumaRow(ReadOnlySpan<byte> bgr, Span<byte> y)
    {
        for (int x = 0, i = 0; x < y.Length; x++, i += 3) y[x] = Luma(bgr[i], bgr[i + 1], bgr[i + 2]);
    }

    /// <summary>
    /// Chroma of one output row: averages <paramref name="blockWidth"/> pixels across and the
    /// given rows (one or two) down. Sums are rounded to the mean before conversion.
    /// </summary>
    public static void ChromaRow(ReadOnlySpan<byte> bgrRow0, ReadOnlySpan<byte> bgrRow1, bool twoRows, int blockWidth, int width, Span<byte> u, Span<byte> v)
    {
        for (int c = 0; c < u.Length; c++)
        {
            int x0 = c * blockWidth, x1 = Math.Min(x0 + blockWidth, width);
            int sb = 0, sg = 0, sr = 0, n = 0;
            for (int x = x0; x < x1; x++)
            {
                int i = x * 3;
                sb += bgrRow0[i]; sg += bgrRow0[i + 1]; sr += bgrRow0[i + 2]; n++;
                if (twoRows) { sb += bgrRow1[i]; sg += bgrRow1[i + 1]; sr += bgrRow1[i + 2]; n++; }
            }
            int b = (sb + n / 2) / n, g = (sg + n / 2) / n, r = (sr + n / 2) / n;
            u[c] = Clamp(((UR * r + UG * g + UB * b + 32768) >> 16) + 128);
            v[c] = Clamp(((VR * r + VG * g + VB * b + 32768) >> 16) + 128);
        }
    }

    private static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
}
