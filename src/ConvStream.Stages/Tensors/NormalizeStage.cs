using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// <c>normalize</c>: maps any frame to f32 values in 0..255 for display. <c>mode=minmax</c>
/// (default) stretches the frame's own minimum..maximum to 0..255 (a flat frame becomes 0);
/// <c>mode=scale</c> computes <c>x·scale + offset</c> with the given <c>scale</c> and <c>offset</c>.
/// </summary>
public sealed class NormalizeStage : PointwiseStage
{
    private readonly bool _minMax;
    private readonly float _scale, _offset;
    public NormalizeStage(StageSpec spec) : base(spec)
    {
        _minMax = spec.Choice("mode", "minmax", "minmax", "scale") == "minmax";
        _scale = (float)spec.Double("scale", 1);
        _offset = (float)spec.Double("offset", 0);
        if (_minMax && (spec.Keys.ContainsKey("scale") || spec.Keys.ContainsKey("offset")))
            throw new ConvStreamException($"{spec.Context}: keys 'scale' and 'offset' need mode=scale");
    }

    public override string Op => "normalize";

    protected override FrameFormat Output(FrameFormat input) => input with { Depth = PixelDepth.F32 };

    public override LayoutUse Layouts => LayoutUse.Either;

    protected override void Floats(ReadOnlySpan<float> s, Span<float> d, float a, float b)
    {
        for (int i = 0; i < d.Length; i++) d[i] = s[i] * a + b;
    }

    public override long MultiplyAdds(FrameFormat output) => (long)output.Width * output.Height * output.Channels;

    /// <summary><c>x·a + b</c>: the frame's own min..max → 0..255, or the given scale and offset.</summary>
    protected override (float A, float B) Coefficients(Frame input)
    {
        if (!_minMax) return (_scale, _offset);
        var (lo, hi) = MinMax(input);
        float a = hi > lo ? 255f / (hi - lo) : 0f;
        return (a, -lo * a);
    }

    private static (float Min, float Max) MinMax(Frame f)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        if (f.Layout == FrameLayout.Planar)
        {
            foreach (float v in f.Planes.Span) { if (v < lo) lo = v; if (v > hi) hi = v; }
            return (lo, hi);
        }
        for (int y = 0; y < f.Height; y++)
        {
            switch (f.Depth)
            {
                case PixelDepth.U8: foreach (byte v in f.Row<byte>(y)) { if (v < lo) lo = v; if (v > hi) hi = v; } break;
                case PixelDepth.S16: foreach (short v in f.Row<short>(y)) { if (v < lo) lo = v; if (v > hi) hi = v; } break;
                default: foreach (float v in f.Row<float>(y)) { if (v < lo) lo = v; if (v > hi) hi = v; } break;
            }
        }
        return (lo, hi);
    }

    protected override void Rows(Frame src, Frame dst, float a, float b, int y0, int y1)
    {
        for (int y = y0; y < y1; y++)
        {
            var d = dst.Row<float>(y);
            switch (src.Depth)
            {
                case PixelDepth.U8: { var s = src.Row<byte>(y); for (int i = 0; i < d.Length; i++) d[i] = s[i] * a + b; break; }
                case PixelDepth.S16: { var s = src.Row<short>(y); for (int i = 0; i < d.Length; i++) d[i] = s[i] * a + b; break; }
                default: Floats(src.Row<float>(y), d, a, b); break;
            }
        }
    }
}
