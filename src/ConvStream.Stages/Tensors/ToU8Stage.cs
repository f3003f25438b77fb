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
public sealed class ToU8Stage : IFrameFilter
{
    private readonly bool _abs;
    private readonly Action<int, int> _rows;
    private readonly ExecutionSettings _settings;
    private Frame? _in, _out;

    public ToU8Stage(StageSpec spec)
    {
        _abs = spec.Bool("abs", false);
        _rows = Rows;
        _settings = spec.Settings;
    }

    public string Op => "to-u8";

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        if (inputs.Length != 1) throw new ConvStreamException($"to-u8 reads one input but {inputs.Length} are given");
        return inputs[0] with { Depth = PixelDepth.U8 };
    }

    public long MultiplyAdds(FrameFormat output) => 0;

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
    {
        lock (_rows)
        {
            _in = inputs[0];
            _out = output;
            _settings.ForRows(output.Height, output.RowLength, _rows);
            _in = _out = null;
        }
    }

    private void Rows(int y0, int y1)
    {
        var (src, dst) = (_in!, _out!);
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
