namespace ConvStream.Media.Color;

/// <summary>
/// OpenCV's BGR→gray in fixed point: <c>(9798·R + 19235·G + 3735·B + 2^14) >> 15</c> (DESIGN §3).
/// ffmpeg's <c>gray</c> pixel format is the video's Y plane, which differs, so gray frames are
/// always computed from BGR here.
/// </summary>
public static class GrayFromBgr
{
    public static void Row(ReadOnlySpan<byte> bgr, Span<byte> gray)
    {
        int n = gray.Length;
        if (bgr.Length < n * 3) throw new ArgumentException("BGR row shorter than the gray row");
        for (int x = 0, i = 0; x < n; x++, i += 3)
            gray[x] = (byte)((3735 * bgr[i] + 19235 * bgr[i + 1] + 9798 * bgr[i + 2] + (1 << 14)) >> 15);
    }
}
