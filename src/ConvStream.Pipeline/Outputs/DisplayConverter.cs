using ConvStream.Engine.Imaging;
using ConvStream.Stages;
using ConvStream.Stages.Tensors;

namespace ConvStream.Pipeline.Outputs;

/// <summary>
/// Turns a stage's frame into what a sink shows: 8-bit frames pass through untouched (no copy);
/// s16 and f32 frames are saturated to 8 bits (s16 by absolute value, as <c>convertScaleAbs</c>
/// shows signed edge responses) into a preallocated frame.
/// </summary>
public static class DisplayConverter
{
    public static bool NeedsConversion(Frame f) => f.Depth != PixelDepth.U8;

    public static void Convert(Frame source, Frame display)
    {
        bool abs = source.Depth == PixelDepth.S16;
        for (int y = 0; y < source.Height; y++) ToU8Stage.ConvertRow(source, y, display.Row<byte>(y), abs);
    }
}
