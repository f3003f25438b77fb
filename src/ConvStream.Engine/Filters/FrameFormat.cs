using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Filters;

/// <summary>The shape of a frame without its pixels: what a stage needs to plan and to allocate once.</summary>
public readonly record struct FrameFormat(int Width, int Height, int Channels, PixelDepth Depth)
{
    /// <summary>The format of an existing frame.</summary>
    public static FrameFormat Of(Frame f) => new(f.Width, f.Height, f.Channels, f.Depth);
    /// <summary>A new frame of this format (pixels not cleared).</summary>
    public Frame Allocate() => new(Width, Height, Channels, Depth);
    public override string ToString() => $"{Width}x{Height}x{Channels} {Depth.Name()}";
}
