using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Stages.Tensors;

/// <summary><c>relu</c>: max(0, x) on every sample of an s16 or f32 frame (u8 samples are never negative: copied).</summary>
public sealed class ReluStage : IFrameFilter
{
    private readonly Action<int, int> _rows;
    private readonly ExecutionSettings _settings;
    private Frame? _in, _out;

    public ReluStage(StageSpec spec)
    {
        _rows = Rows;
        _settings = spec.Settings;
    }

    public string Op => "relu";

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        if (inputs.Length != 1) throw new ConvStreamException($"relu reads one input but {inputs.Length} are given");
        return inputs[0];
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
        for (int y = y0; y < y1; y++)
        {
            switch (src.Depth)
            {
                case PixelDepth.F32:
                    {
                        var s = src.Row<float>(y); var d = dst.Row<float>(y);
                        for (int i = 0; i < s.Length; i++) d[i] = MathF.Max(s[i], 0f);
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
