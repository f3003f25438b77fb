using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>gray</c>: BGR u8 → gray u8, bit-exact with <c>cv2.cvtColor(COLOR_BGR2GRAY)</c>
/// (<see cref="GrayRow"/>). A gray frame passes through as a copy, so a pipeline may say
/// <c>gray</c> without knowing what its source delivers; other channel counts and depths are errors.
/// </summary>
public sealed class GrayFilter : IFrameFilter
{
    private readonly ExecutionSettings _settings;

    public GrayFilter(ExecutionSettings? settings = null) => _settings = settings ?? ExecutionSettings.Default;

    public string Op => "gray";

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        var f = inputs[0];
        if (f.Depth != PixelDepth.U8)
            throw new ConvStreamException($"expects a u8 frame but got {f}");
        if (f.Channels is not (1 or 3))
            throw new ConvStreamException($"expects 3 channels (BGR) or 1 (gray, passed through) but the frame has {f.Channels}");
        return f with { Channels = 1 };
    }

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
    {
        var src = inputs[0];
        if (src.Channels == 1) { src.CopyTo(output); return; }
        Convert(src, output, _settings);
    }

    /// <summary>BGR u8 frame → gray u8 frame of the same size, in row bands.</summary>
    public static void Convert(Frame bgr, Frame gray, ExecutionSettings? settings = null)
    {
        if (bgr.Channels != 3 || bgr.Depth != PixelDepth.U8 || gray.Channels != 1 || gray.Depth != PixelDepth.U8
            || gray.Width != bgr.Width || gray.Height != bgr.Height)
            throw new ConvStreamException($"gray: cannot convert {bgr.ShapeText} into {gray.ShapeText}");
        var run = settings ?? ExecutionSettings.Default;
        run.For(bgr.Height, SplitWork.Bytes(bgr.RowBytes + gray.RowBytes), (bgr, gray, run.Level), static (c, y0, y1) =>
        {
            for (int y = y0; y < y1; y++) GrayRow.BgrToGray(c.bgr.RowSpan(y), c.gray.RowSpan(y), c.Level);
        });
    }
}
