using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Filters;

/// <summary>
/// The shape of a frame without its pixels: what a stage needs to plan and to allocate once. Its
/// <see cref="Layout"/> is part of it (a pool keeps planar and interleaved frames apart) but not of
/// its text, which names what the samples are, not how they lie.
/// </summary>
public readonly record struct FrameFormat(int Width, int Height, int Channels, PixelDepth Depth)
{
    /// <summary>How the samples lie: interleaved (the default) or planar (C,H,W), which is always f32.</summary>
    public FrameLayout Layout { get; init; }

    /// <summary>The format of an existing frame.</summary>
    public static FrameFormat Of(Frame f) => new(f.Width, f.Height, f.Channels, f.Depth) { Layout = f.Layout };

    /// <summary>The planar (C,H,W) f32 format of the same size and channels: what a tensor stage computes in.</summary>
    public FrameFormat AsPlanar => new(Width, Height, Channels, PixelDepth.F32) { Layout = FrameLayout.Planar };

    /// <summary>The same samples, interleaved.</summary>
    public FrameFormat AsInterleaved => this with { Layout = FrameLayout.Interleaved };

    /// <summary>A new frame of this format (pixels not cleared).</summary>
    public Frame Allocate()
    {
        if (Layout == FrameLayout.Interleaved) return new(Width, Height, Channels, Depth);
        if (Depth != PixelDepth.F32) throw new ConvStreamException($"a planar frame holds f32 samples, not {Depth.Name()} ({this})");
        return Frame.Planar(Width, Height, Channels);
    }

    public override string ToString() => $"{Width}x{Height}x{Channels} {Depth.Name()}";
}
