using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Outputs;

namespace ConvStream.Web.Frames;

/// <summary>
/// Turns one node's frames into an 8-bit picture a browser can show, with the conversions the
/// file outputs use: 8-bit gray/BGR as they are (no copy), s16/f32 gray/BGR through
/// <see cref="DisplayConverter"/> (s16 by absolute value, f32 saturated), and feature maps of other
/// channel counts through <see cref="MosaicComposer"/> as one gray tile per channel, each stretched
/// from its own minimum..maximum (at most <see cref="MaxMosaicWidth"/> pixels wide).
/// One per watched node, used by its encoder only: the display buffer is reused for every frame.
/// </summary>
internal sealed class DisplayPicture
{
    public const int MaxMosaicWidth = 1280;

    private readonly MosaicComposer? _mosaic;
    private readonly Frame? _display;
    private readonly Frame[] _one = new Frame[1];

    public DisplayPicture(FrameFormat format)
    {
        Format = format;
        if (format.Channels is 1 or 3)
        {
            if (format.Depth != PixelDepth.U8) _display = (format with { Depth = PixelDepth.U8 }).Allocate();
            return;
        }
        int columns = (int)Math.Ceiling(Math.Sqrt(format.Channels));
        int rows = (format.Channels + columns - 1) / columns;
        double scale = Math.Min(1.0, (double)MaxMosaicWidth / (format.Width * columns));
        int w = Math.Max(2, (int)(format.Width * columns * scale) & ~1), h = Math.Max(2, (int)(format.Height * rows * scale) & ~1);
        var display = new FrameFormat(w, h, 3, PixelDepth.U8);
        _mosaic = new MosaicComposer([format], display);
        _display = display.Allocate();
    }

    public FrameFormat Format { get; }

    /// <summary>The picture of <paramref name="frame"/>: the frame itself when it is already 8-bit gray or BGR, else the display buffer.</summary>
    public Frame Show(Frame frame)
    {
        if (_mosaic is not null)
        {
            _one[0] = frame;
            _mosaic.Compose(_one, _display!);
            _one[0] = null!;
            return _display!;
        }
        if (_display is null) return frame;
        DisplayConverter.Convert(frame, _display);
        return _display;
    }
}
