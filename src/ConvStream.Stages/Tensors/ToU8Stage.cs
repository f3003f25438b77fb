using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Imaging.Codecs;
using ConvStream.Engine;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// <c>to-u8</c>: converts to 8-bit samples as OpenCV's <c>saturate_cast</c> does (f32 rounded to
/// nearest, ties to even, then clamped to 0..255; s16 clamped). <c>abs=true</c> takes the absolute
/// value first, as <c>convertScaleAbs</c> (for signed edge responses).
/// </summary>
public sealed class ToU8Stage : PointwiseStage
{
    private readonly bool _abs;

    public ToU8Stage(StageSpec spec) : base(spec) => _abs = spec.Bool("abs", false);

    public override string Op => "to-u8";

    protected override FrameFormat Output(FrameFormat input) => input with { Depth = PixelDepth.U8 };

    protected override void Rows(Frame src, Frame dst, float a, float b, int y0, int y1)
    {
        for (int y = y0; y < y1; y++) ConvertRow(src, y, dst.Row<byte>(y), _abs);
    }

    /// <summary>One row of any depth to saturated bytes; shared with the outputs' display conversion.</summary>
    public static void ConvertRow(Frame src, int y, Span<byte> d, bool abs)
    {
        switch (src.Depth)
        {
            case PixelDepth.U8:
                src.Row<byte>(y).CopyTo(d);
                break;
            case PixelDepth.S16:
                {
                    var s = src.Row<short>(y);
                    for (int i = 0; i < d.Length; i++)
                    {
                        int v = abs ? Math.Abs((int)s[i]) : s[i];
                        d[i] = (byte)Math.Clamp(v, 0, 255); // |s16| may exceed short.MaxValue, so not SaturateCast.ToU8(short)
                    }
                    break;
                }
            default:
                {
                    var s = src.Row<float>(y);
                    for (int i = 0; i < d.Length; i++)
                    {
                        float v = abs ? MathF.Abs(s[i]) : s[i];
                        d[i] = SaturateCast.ToU8(v);
                    }
                    break;
                }
        }
    }
}
