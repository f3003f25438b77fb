using System.Runtime.InteropServices;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Imaging;

/// <summary>
/// Conversions between interleaved frames (u8/s16/f32, H×W×C) and between frames and planar
/// float tensors (C,H,W), always into a preallocated destination so a pipeline pays for memory
/// once; settings (SIMD level, threads) default to <see cref="ExecutionSettings.Default"/>. Integer destinations are saturated with OpenCV's rounding (<see cref="FrameConvertRows.SaturateU8"/>).
/// </summary>
public static class FrameConvert
{
    /// <summary>Row <paramref name="y"/> of any depth as floats (exact for u8 and s16).</summary>
    public static void RowToFloat(Frame src, int y, Span<float> dst, SimdLevel level)
    {
        switch (src.Depth)
        {
            case PixelDepth.U8: FrameConvertRows.U8ToFloat(src.Row<byte>(y), dst, level); break;
            case PixelDepth.S16: FrameConvertRows.S16ToFloat(src.Row<short>(y), dst, level); break;
            default: src.Row<float>(y).CopyTo(dst); break;
        }
    }

    /// <summary>Stores a float row into row <paramref name="y"/> of <paramref name="dst"/>, saturating to its depth.</summary>
    public static void FloatToRow(ReadOnlySpan<float> src, Frame dst, int y, SimdLevel level)
    {
        switch (dst.Depth)
        {
            case PixelDepth.U8: FrameConvertRows.FloatToU8(src, dst.Row<byte>(y), level); break;
            case PixelDepth.S16: FrameConvertRows.FloatToS16(src, dst.Row<short>(y), level); break;
            default: src[..dst.RowLength].CopyTo(dst.Row<float>(y)); break;
        }
    }

    /// <summary>Copies <paramref name="src"/> into <paramref name="dst"/> of the same size and channels, changing depth (u8 ↔ s16 ↔ f32).</summary>
    public static void ConvertDepth(Frame src, Frame dst, ExecutionSettings? settings = null)
    {
        if (src.Width != dst.Width || src.Height != dst.Height || src.Channels != dst.Channels)
            throw new ConvStreamException($"cannot convert frame {src.ShapeText} into {dst.ShapeText}: sizes or channels differ");
        if (src.Depth == dst.Depth) { src.CopyTo(dst); return; }
        int n = src.RowLength;
        var run = settings ?? ExecutionSettings.Default;
        run.For(src.Height, SplitWork.Bytes(src.RowBytes + dst.RowBytes), (src, dst, n, run.Level, run.ScratchFloats), static (c, y0, y1) =>
        {
            using var lease = ScratchArena.Rent(c.n, c.ScratchFloats);
            var tmp = lease.Carve().Take<float>(c.n);
            for (int y = y0; y < y1; y++)
            {
                RowToFloat(c.src, y, tmp, c.Level);
                FloatToRow(tmp, c.dst, y, c.Level);
            }
        });
    }

    /// <summary>Interleaved frame → planar float tensor (C,H,W) of matching size (a planar frame's planes are copied).</summary>
    public static void ToTensor(Frame src, Tensor dst, ExecutionSettings? settings = null)
    {
        if (dst.Rank != 3 || dst.Dim(0) != src.Channels || dst.Dim(1) != src.Height || dst.Dim(2) != src.Width)
            throw new ConvStreamException($"tensor {dst.ShapeText} does not match frame {src.ShapeText}; expected ({src.Channels},{src.Height},{src.Width})");
        if (src.Layout == FrameLayout.Planar) { src.Planes.Span.CopyTo(dst.Span); return; }
        int w = src.Width, h = src.Height, c = src.Channels, n = src.RowLength;
        float[] data = dst.Data;
        var run = settings ?? ExecutionSettings.Default;
        run.For(h, SplitWork.Bytes(src.RowBytes + 4L * n), (src, data, w, h, c, n, run.Level, run.ScratchFloats), static (k, y0, y1) =>
        {
            var (src, data, w, h, c, n, level, keep) = k;
            if (c is 1 or 3)
            {
                // Straight into the planes: no staging row.
                for (int y = y0; y < y1; y++)
                    if (c == 1) RowToFloat(src, y, data.AsSpan(y * w, w), level);
                    else SplitBgr(src, y, data.AsSpan(y * w, w), data.AsSpan((h + y) * w, w), data.AsSpan((2 * h + y) * w, w), level);
                return;
            }
            using var lease = ScratchArena.Rent(n, keep);
            var tmp = lease.Carve().Take<float>(n);
            for (int y = y0; y < y1; y++)
            {
                // Other channel counts: widen, then a strided copy (the specification of SplitBgr too).
                RowToFloat(src, y, tmp, level);
                for (int ch = 0; ch < c; ch++)
                {
                    var plane = data.AsSpan((ch * h + y) * w, w);
                    for (int x = 0, i = ch; x < w; x++, i += c) plane[x] = tmp[i];
                }
            }
        });
    }

    /// <summary>Planar float tensor (C,H,W) → interleaved frame of matching size, saturated to its depth (into a planar frame: copied).</summary>
    public static void FromTensor(Tensor src, Frame dst, ExecutionSettings? settings = null)
    {
        if (src.Rank != 3 || src.Dim(0) != dst.Channels || src.Dim(1) != dst.Height || src.Dim(2) != dst.Width)
            throw new ConvStreamException($"tensor {src.ShapeText} does not match frame {dst.ShapeText}; expected ({dst.Channels},{dst.Height},{dst.Width})");
        if (dst.Layout == FrameLayout.Planar) { src.Span.CopyTo(dst.Planes.Span); return; }
        int w = dst.Width, h = dst.Height, c = dst.Channels, n = dst.RowLength;
        float[] data = src.Data;
        var run = settings ?? ExecutionSettings.Default;
        run.For(h, SplitWork.Bytes(dst.RowBytes + 4L * n), (dst, data, w, h, c, n, run.Level, run.ScratchFloats), static (k, y0, y1) =>
        {
            var (dst, data, w, h, c, n, level, keep) = k;
            if (c is 1 or 3)
            {
                // Straight from the planes: no staging row.
                for (int y = y0; y < y1; y++)
                    if (c == 1) FloatToRow(data.AsSpan(y * w, w), dst, y, level);
                    else MergeBgr(data.AsSpan(y * w, w), data.AsSpan((h + y) * w, w), data.AsSpan((2 * h + y) * w, w), dst, y, level);
                return;
            }
            using var lease = ScratchArena.Rent(n, keep);
            var tmp = lease.Carve().Take<float>(n);
            for (int y = y0; y < y1; y++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    var plane = data.AsSpan((ch * h + y) * w, w);
                    for (int x = 0, i = ch; x < w; x++, i += c) tmp[i] = plane[x];
                }
                FloatToRow(tmp, dst, y, level);
            }
        });
    }

    // BGR rows convert and (de)interleave in one vectorised pass (BgrPlaneRows), without the staging row.
    private static void SplitBgr(Frame src, int y, Span<float> p0, Span<float> p1, Span<float> p2, SimdLevel level)
    {
        int w = src.Width;
        switch (src.Depth)
        {
            case PixelDepth.U8: BgrPlaneRows.Split(src.Row<byte>(y), p0, p1, p2, w, level); break;
            case PixelDepth.S16: BgrPlaneRows.Split(src.Row<short>(y), p0, p1, p2, w, level); break;
            default: BgrPlaneRows.Split(src.Row<float>(y), p0, p1, p2, w, level); break;
        }
    }

    private static void MergeBgr(ReadOnlySpan<float> p0, ReadOnlySpan<float> p1, ReadOnlySpan<float> p2, Frame dst, int y, SimdLevel level)
    {
        int w = dst.Width;
        switch (dst.Depth)
        {
            case PixelDepth.U8: BgrPlaneRows.Merge(p0, p1, p2, dst.Row<byte>(y), w, level); break;
            case PixelDepth.S16: BgrPlaneRows.Merge(p0, p1, p2, dst.Row<short>(y), w, level); break;
            default: BgrPlaneRows.Merge(p0, p1, p2, dst.Row<float>(y), w, level); break;
        }
    }

    /// <summary>A new (C,H,W) tensor of the frame (allocates; for tools and tests, not per frame).</summary>
    public static Tensor ToTensor(Frame src)
    {
        var t = Tensor.Zeros(src.Channels, src.Height, src.Width);
        ToTensor(src, t);
        return t;
    }

    /// <summary>Reads a frame's samples as floats, packed (H·W·C), for tests and tools.</summary>
    public static float[] ToPackedFloats(Frame src)
    {
        var a = new float[src.RowLength * src.Height];
        for (int y = 0; y < src.Height; y++) RowToFloat(src, y, a.AsSpan(y * src.RowLength, src.RowLength), SimdLevel.Scalar);
        return a;
    }

    /// <summary>A frame from packed samples of its depth's type (byte, short or float).</summary>
    public static Frame FromPacked<T>(ReadOnlySpan<T> packed, int width, int height, int channels) where T : unmanaged
    {
        var depth = typeof(T) == typeof(byte) ? PixelDepth.U8 : typeof(T) == typeof(short) ? PixelDepth.S16
                  : typeof(T) == typeof(float) ? PixelDepth.F32
                  : throw new ConvStreamException($"frames hold byte, short or float samples, not {typeof(T).Name}");
        var f = new Frame(width, height, channels, depth);
        f.CopyFromPacked(MemoryMarshal.AsBytes(packed));
        return f;
    }
}
