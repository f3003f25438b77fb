using ConvStream.Engine.Imaging;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// Moves pixels between an interleaved frame (H×W×C, OpenCV's layout) and a planar float buffer
/// (C×H×W, PyTorch's layout that the engine's tensor ops take), in preallocated memory.
/// </summary>
internal static class Planar
{
    /// <summary>Interleaved frame of any depth → planar floats (<paramref name="planes"/> holds C·H·W).</summary>
    public static void FromFrame(Frame frame, Span<float> planes)
    {
        int w = frame.Width, h = frame.Height, c = frame.Channels, plane = w * h;
        for (int y = 0; y < h; y++)
        {
            int rowBase = y * w;
            switch (frame.Depth)
            {
                case PixelDepth.U8:
                    {
                        var row = frame.Row<byte>(y);
                        if (c == 1) { for (int x = 0; x < w; x++) planes[rowBase + x] = row[x]; break; }
                        for (int ch = 0; ch < c; ch++)
                        {
                            var dst = planes.Slice(ch * plane + rowBase, w);
                            for (int x = 0, i = ch; x < w; x++, i += c) dst[x] = row[i];
                        }
                        break;
                    }
                case PixelDepth.S16:
                    {
                        var row = frame.Row<short>(y);
                        for (int ch = 0; ch < c; ch++)
                        {
                            var dst = planes.Slice(ch * plane + rowBase, w);
                            for (int x = 0, i = ch; x < w; x++, i += c) dst[x] = row[i];
                        }
                        break;
                    }
                default:
                    {
                        var row = frame.Row<float>(y);
                        if (c == 1) { row.CopyTo(planes.Slice(rowBase, w)); break; }
                        for (int ch = 0; ch < c; ch++)
                        {
                            var dst = planes.Slice(ch * plane + rowBase, w);
                            for (int x = 0, i = ch; x < w; x++, i += c) dst[x] = row[i];
                        }
                        break;
                    }
            }
        }
    }

    /// <summary>Planar floats (C×H×W) → an interleaved F32 frame of the same size and channels.</summary>
    public static void ToFrame(ReadOnlySpan<float> planes, Frame frame)
    {
        int w = frame.Width, h = frame.Height, c = frame.Channels, plane = w * h;
        for (int y = 0; y < h; y++)
        {
            var row = frame.Row<float>(y);
            int rowBase = y * w;
            if (c == 1) { planes.Slice(rowBase, w).CopyTo(row); continue; }
            for (int ch = 0; ch < c; ch++)
            {
                var src = planes.Slice(ch * plane + rowBase, w);
                for (int x = 0, i = ch; x < w; x++, i += c) row[i] = src[x];
            }
        }
    }
}
