using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using OpenCvSharp;

namespace ConvStream.Web.Frames;

/// <summary>
/// JPEG and PNG encoding of 8-bit gray or BGR frames through OpenCV's imgcodecs (OpenCvSharp),
/// straight from the frame's rows (no copy: the Mat wraps the pinned buffer for the call).
/// </summary>
internal static class ImageEncoder
{
    /// <summary>JPEG quality for the live streams: 80 keeps a 640x360 frame near 40 KB.</summary>
    public const int JpegQuality = 80;

    public static byte[] Jpeg(Frame frame, int quality = JpegQuality)
        => Encode(frame, ".jpg", [(int)ImwriteFlags.JpegQuality, quality]);

    /// <summary>Lossless: what a snapshot needs when its pixels are compared.</summary>
    public static byte[] Png(Frame frame) => Encode(frame, ".png", [(int)ImwriteFlags.PngCompression, 1]);

    private static unsafe byte[] Encode(Frame frame, string extension, int[] parameters)
    {
        if (frame.Depth != PixelDepth.U8 || frame.Channels is not (1 or 3))
            throw new ConvStreamException($"image encoder: a {frame.ShapeText} frame cannot be encoded; 8-bit gray or BGR expected");
        fixed (byte* origin = &frame.Origin)
        {
            using var mat = Mat.FromPixelData(frame.Height, frame.Width, frame.Channels == 1 ? MatType.CV_8UC1 : MatType.CV_8UC3, (IntPtr)origin, frame.Stride);
            if (!Cv2.ImEncode(extension, mat, out byte[] bytes, parameters))
                throw new ConvStreamException($"image encoder: OpenCV could not encode a {frame.ShapeText} frame as {extension}");
            return bytes;
        }
    }
}
