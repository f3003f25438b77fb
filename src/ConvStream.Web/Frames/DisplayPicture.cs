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
/// A node whose frames travel planar (between tensor stages) is first converted to interleaved
/// samples here, on the encoder's thread and only for the frames shown, so watching it costs the
/// pipeline nothing. One per watched node, used by its encoder only: its buffers are reused for every frame.
/// </summary>
internal sealed class DisplayPicture
{
    public const int MaxMosaicWidth = 1280;

    private readonly MosaicComposer? _mosaic;
    private readonly Frame? _display;
    private readonly Frame[] _one = new Frame[1];
    private readonly Frame? _interleaved;

    public DisplayPicture(FrameFormat format)
    {
        Format = format;
        if (format.Layout == FrameLayout.Planar)
        {
            format = format.AsInterleaved;
            _interleaved = format.Allocate();
        }
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
        if (_interleaved is not null)
        {
            FrameConvert.FromTensor(frame.Planes, _interleaved);
            frame = _interleaved;
        }
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
