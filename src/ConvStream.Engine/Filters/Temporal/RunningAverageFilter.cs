using System.Globalization;
using System.Runtime.CompilerServices;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Temporal;

/// <summary>
/// <c>running-average:alpha=A</c>: an exponential moving average of the 8-bit frames, the
/// background of a still camera: <c>bg = bg + A·(frame − bg)</c> in float32 after each frame
/// (OpenCV's <c>accumulateWeighted</c>), starting from the first frame itself. The output is the
/// background after this frame's update, f32 with the frame's channels (<c>foreground</c> compares
/// frames with it). It keeps state rather than a window: a dropped frame (live) is simply one
/// update fewer, the background is kept; a new run starts from its first frame again.
/// </summary>
public sealed class RunningAverageFilter : ITemporalFilter
{
    private readonly float _alpha;
    private readonly ExecutionSettings _settings;
    private float[] _background = [];
    private bool _started;

    public RunningAverageFilter(double alpha, string context = "stage 'running-average'", ExecutionSettings? settings = null)
    {
        _settings = settings ?? ExecutionSettings.Default;
        if (!(alpha > 0 && alpha <= 1)) throw new ConvStreamException($"{context}: key 'alpha' must be in (0, 1] but is {alpha.ToString(CultureInfo.InvariantCulture)}");
        _alpha = (float)alpha;
    }

    public string Op => "running-average";
    public int Span => 1;
    public TemporalMode Mode => TemporalMode.Causal;
    public BorderMode TimeBorder => BorderMode.Replicate;
    public int History => int.MaxValue;
    public float Alpha => _alpha;

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        if (inputs[0].Depth != PixelDepth.U8) throw new ConvStreamException($"needs 8-bit frames but receives {inputs[0]}");
        return inputs[0] with { Depth = PixelDepth.F32 };
    }

    public long MultiplyAdds(FrameFormat output) => (long)output.Width * output.Height * output.Channels;

    public void Restart() => _started = false;

    public unsafe void Apply(ReadOnlySpan<Frame> window, Frame output)
    {
        var frame = window[^1];
        int length = frame.RowLength, height = frame.Height;
        if (_background.Length != length * height) { _background = GC.AllocateUninitializedArray<float>(length * height, pinned: true); _started = false; }
        var bg = _background;
        bool first = !_started;
        _started = true;
        float alpha = _alpha;
        var level = _settings.Level;
        _settings.For(height, SplitWork.Bytes(frame.RowBytes + 8L * length + output.RowBytes), (frame, bg, output, first, alpha, length, level),
            static (c, y0, y1) => Rows(c.frame, c.bg, c.output, c.first, c.alpha, c.length, c.level, y0, y1));
    }

    private static unsafe void Rows(Frame frame, float[] bg, Frame output, bool first, float alpha, int length, SimdLevel level, int y0, int y1)
    {
        byte* f = (byte*)Unsafe.AsPointer(ref frame.Origin), o = (byte*)Unsafe.AsPointer(ref output.Origin);
        fixed (float* b0 = bg)
            for (int y = y0; y < y1; y++)
            {
                byte* row = f + (nint)y * frame.Stride;
                float* b = b0 + (nint)y * length;
                if (first) FrameConvertRows.U8ToFloat(new ReadOnlySpan<byte>(row, length), new Span<float>(b, length), level);
                else TemporalRows.Accumulate(row, b, alpha, length, level);
                new ReadOnlySpan<float>(b, length).CopyTo(new Span<float>(o + (nint)y * output.Stride, length));
            }
    }
}
