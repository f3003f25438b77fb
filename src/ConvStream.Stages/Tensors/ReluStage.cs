using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Stages.Tensors;

/// <summary><c>relu</c>: max(0, x) on every sample of an s16 or f32 frame (u8 samples are never negative: copied).</summary>
public sealed class ReluStage(StageSpec spec) : PointwiseStage(spec)
{
    public override string Op => "relu";

    protected override FrameFormat Output(FrameFormat input) => input;

    public override LayoutUse Layouts => LayoutUse.Either;

    protected override void Floats(ReadOnlySpan<float> s, Span<float> d, float a, float b)
    {
        for (int i = 0; i < s.Length; i++) d[i] = MathF.Max(s[i], 0f);
    }

    protected override void Rows(Frame src, Frame dst, float a, float b, int y0, int y1)
    {
        for (int y = y0; y < y1; y++)
        {
            switch (src.Depth)
            {
                case PixelDepth.F32:
                    {
                        Floats(src.Row<float>(y), dst.Row<float>(y), a, b);
                        break;
                    }
                case PixelDepth.S16:
                    {
                        var s = src.Row<short>(y); var d = dst.Row<short>(y);
                        for (int i = 0; i < s.Length; i++) d[i] = Math.Max(s[i], (short)0);
                        break;
                    }
                default:
                    src.RowSpan(y).CopyTo(dst.RowSpan(y));
                    break;
            }
        }
    }
}
