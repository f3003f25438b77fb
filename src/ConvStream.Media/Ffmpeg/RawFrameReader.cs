using ConvStream.Engine;
using ConvStream.Engine.Imaging;

namespace ConvStream.Media.Ffmpeg;

/// <summary>
/// Turns a stream of packed bgr24 frames (ffmpeg's rawvideo output) into pooled <see cref="Frame"/>s.
/// When the frame's rows have no padding (width·3 a multiple of 64: 640, 1280, 1920 wide) the
/// bytes go straight into the frame; otherwise into one packed buffer, allocated once, then row by
/// row into the frame. Gray frames are computed from BGR as OpenCV does.
/// </summary>
internal sealed class RawFrameReader
{
    private readonly int _width;
    private readonly int _height;
    private byte[]? _packed;

    public RawFrameReader(int width, int height)
    {
        _width = width;
        _height = height;
        FrameBytes = checked(width * height * 3);
    }

    /// <summary>Bytes of one packed bgr24 frame on the pipe.</summary>
    public int FrameBytes { get; }

    /// <summary>
    /// Reads one frame. Returns the number of bytes received: <see cref="FrameBytes"/> for a whole
    /// frame, 0 at a clean end of stream, anything else for a frame cut short (the caller reports it).
    /// </summary>
    public int Read(Stream stream, Frame destination)
    {
        if (destination.Width != _width || destination.Height != _height || destination.Depth != PixelDepth.U8
            || destination.Channels is not (1 or 3))
            throw new ConvStreamException($"frame {destination.ShapeText} does not fit the stream's {_width}x{_height} frames (expected {_width}x{_height}x3 or x1 u8)");
        if (destination.Channels == 3 && destination.Stride == destination.RowBytes)
            return RawFrameIo.ReadFull(stream, destination.Bytes[..FrameBytes]);

        _packed ??= GC.AllocateUninitializedArray<byte>(FrameBytes, pinned: true);
        int got = RawFrameIo.ReadFull(stream, _packed);
        if (got != FrameBytes) return got;
        Unpack(_packed, destination);
        return got;
    }

    /// <summary>Copies a packed bgr24 frame into <paramref name="destination"/> (BGR or gray).</summary>
    public static void Unpack(ReadOnlySpan<byte> packed, Frame destination)
    {
        int rowBytes = destination.Width * 3;
        for (int y = 0; y < destination.Height; y++)
        {
            var src = packed.Slice(y * rowBytes, rowBytes);
            if (destination.Channels == 3) src.CopyTo(destination.RowSpan(y));
            else Color.GrayFromBgr.Row(src, destination.RowSpan(y));
        }
    }
}
