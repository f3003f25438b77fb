using ConvStream.Engine.Io;

namespace ConvStream.Engine.Imaging.Codecs;

/// <summary>
/// Frames as NumPy arrays, the layout cv2 uses: <c>(H, W)</c> for one channel, <c>(H, W, C)</c> for
/// several, uint8 / int16 / float32 for <see cref="PixelDepth.U8"/> / S16 / F32.
/// </summary>
public static class NpyImage
{
    public static PixelDepth DepthOf(NpyDType dtype, string name) => dtype switch
    {
        NpyDType.UInt8 => PixelDepth.U8,
        NpyDType.Int16 => PixelDepth.S16,
        NpyDType.Float32 => PixelDepth.F32,
        _ => throw new ConvStreamException($"{name}: image arrays must be uint8 (or int16/float32), not {dtype.ToString().ToLowerInvariant()}; convert with .astype(numpy.uint8)"),
    };

    /// <summary>Width, height, channels and depth of an array read as an image.</summary>
    public static (int Width, int Height, int Channels, PixelDepth Depth) FormatOf(NpyArray array, string name)
    {
        var s = array.Shape;
        if (s.Length is not (2 or 3))
            throw new ConvStreamException($"{name}: an image array must have shape (H,W) or (H,W,C), not ({string.Join(",", s)})");
        int channels = s.Length == 2 ? 1 : s[2];
        if (s[0] == 0 || s[1] == 0 || channels == 0)
            throw new ConvStreamException($"{name}: image array of shape ({string.Join(",", s)}) is empty");
        if (channels > 64)
            throw new ConvStreamException($"{name}: image array has {channels} channels (last axis); at most 64 are supported — is it (C,H,W)? transpose it to (H,W,C)");
        return (s[1], s[0], channels, DepthOf(array.DType, name));
    }

    public static Frame ToFrame(NpyArray array, string name)
    {
        var (w, h, c, depth) = FormatOf(array, name);
        var frame = new Frame(w, h, c, depth);
        frame.CopyFromPacked(array.Data);
        return frame;
    }

    public static NpyArray FromFrame(Frame frame)
    {
        var dtype = frame.Depth switch { PixelDepth.U8 => NpyDType.UInt8, PixelDepth.S16 => NpyDType.Int16, _ => NpyDType.Float32 };
        int[] shape = frame.Channels == 1 ? [frame.Height, frame.Width] : [frame.Height, frame.Width, frame.Channels];
        return new NpyArray(dtype, shape, frame.ToPacked());
    }
}
