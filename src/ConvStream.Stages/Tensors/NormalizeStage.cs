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
public sealed class NormalizeStage : IFrameFilter
{
    private readonly bool _minMax;
    private readonly float _scale, _offset;
    private readonly Action<int, int> _rows;
    private readonly ExecutionSettings _settings;
    private Frame? _in, _out;
    private float _a, _b;

    public NormalizeStage(StageSpec spec)
    {
        _minMax = spec.Choice("mode", "minmax", "minmax", "scale") == "minmax";
        _scale = (float)spec.Double("scale", 1);
        _offset = (float)spec.Double("offset", 0);
        if (_minMax && (spec.Keys.ContainsKey("scale") || spec.Keys.ContainsKey("offset")))
            throw new ConvStreamException($"{spec.Context}: keys 'scale' and 'offset' need mode=scale");
        _rows = Rows;
        _settings = spec.Settings;
    }

    public string Op => "normalize";

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        if (inputs.Length != 1) throw new ConvStreamException($"normalize reads one input but {inputs.Length} are given");
        return inputs[0] with { Depth = PixelDepth.F32 };
    }

    public long MultiplyAdds(FrameFormat output) => (long)output.Width * output.Height * output.Channels;

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
    {
        lock (_rows)
        {
            _in = inputs[0];
            _out = output;
            if (_minMax)
            {
                var (lo, hi) = MinMax(_in);
                _a = hi > lo ? 255f / (hi - lo) : 0f;
                _b = -lo * _a;
            }
            else { _a = _scale; _b = _offset; }
            _settings.ForRows(output.Height, output.RowLength, _rows);
            _in = _out = null;
        }
    }

    private static (float Min, float Max) MinMax(Frame f)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
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

    private void Rows(int y0, int y1)
    {
        var (src, dst, a, b) = (_in!, _out!, _a, _b);
        for (int y = y0; y < y1; y++)
        {
            var d = dst.Row<float>(y);
            switch (src.Depth)
            {
                case PixelDepth.U8: { var s = src.Row<byte>(y); for (int i = 0; i < d.Length; i++) d[i] = s[i] * a + b; break; }
                case PixelDepth.S16: { var s = src.Row<short>(y); for (int i = 0; i < d.Length; i++) d[i] = s[i] * a + b; break; }
                default: { var s = src.Row<float>(y); for (int i = 0; i < d.Length; i++) d[i] = s[i] * a + b; break; }
            }
        }
    }
}
