using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Images;

namespace ConvStream.Web.Frames;

/// <summary>JPEG and PNG of 8-bit gray or BGR pictures, through ConvStream.Media's image codec (OpenCV's imgcodecs).</summary>
internal static class ImageEncoder
{
    /// <summary>JPEG quality for the live streams: 80 keeps a 640x360 frame near 25–40 KB.</summary>
    public const int JpegQuality = 80;

    public static byte[] Jpeg(Frame frame) => ImageCodec.Encode(Checked(frame), ".jpg", JpegQuality);

    /// <summary>Lossless, fast (zlib level 1): what a snapshot needs when its pixels are compared.</summary>
    public static byte[] Png(Frame frame) => ImageCodec.Encode(Checked(frame), ".png", 1);

    // The display conversion happened before (DisplayPicture); the codec must not saturate again.
    private static Frame Checked(Frame frame) => frame.Depth == PixelDepth.U8 && frame.Channels is 1 or 3 ? frame
        : throw new ConvStreamException($"image encoder: a {frame.ShapeText} frame cannot be shown; 8-bit gray or BGR expected");
}
