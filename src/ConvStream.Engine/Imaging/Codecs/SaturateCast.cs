using System.Runtime.CompilerServices;

namespace ConvStream.Engine.Imaging.Codecs;

/// <summary>
/// OpenCV's <c>saturate_cast&lt;uchar&gt;</c>: int16 is clamped to 0..255; float32 is rounded as
/// cvRound does (to nearest, ties to even) and then clamped. NaN becomes 0. Used where an int16 or
/// float result must go into an 8-bit image file.
/// </summary>
public static class SaturateCast
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte ToU8(short v) => (byte)Math.Clamp((int)v, 0, 255);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte ToU8(float v)
    {
        // Compare before converting: huge values would overflow an int (OpenCV's lrint gives INT_MIN there).
        if (!(v > 0f)) return 0; // also NaN
        if (v >= 255f) return 255;
        return (byte)MathF.Round(v, MidpointRounding.ToEven);
    }

    /// <summary>An 8-bit copy of <paramref name="frame"/>, or the frame itself when it is already 8-bit.</summary>
    public static Frame ToU8(Frame frame)
    {
        if (frame.Depth == PixelDepth.U8) return frame;
        var result = new Frame(frame.Width, frame.Height, frame.Channels, PixelDepth.U8);
        FrameConvert.ConvertDepth(frame, result); // the same saturation, vectorized
        return result;
    }
}
