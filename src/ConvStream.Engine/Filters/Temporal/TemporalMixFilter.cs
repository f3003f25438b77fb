using System.Globalization;
using System.Runtime.CompilerServices;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Temporal;

/// <summary>
/// <c>tmix:weights=W1;W2;…[,mode=auto|causal|centred][,scale=S][,time-border=replicate|zeros]</c>:
/// a weighted sum of consecutive 8-bit frames (weights oldest first, as ffmpeg's <c>tmix</c>),
/// divided by <c>scale</c> (default: the weights' sum), rounded to nearest with ties to even
/// (the rule of every float → u8 in ConvStream, OpenCV's <c>saturate_cast</c>) and saturated to
/// 0..255. In float: each weight is divided by the scale once, then <c>Σ (w_i/S)·frame_i</c> is
/// accumulated oldest first.
/// </summary>
public sealed class TemporalMixFilter : ITemporalFilter
{
    private readonly float[] _weights;   // already divided by the scale
    private readonly ExecutionSettings _settings;
    private readonly Frame[] _window;    // the frames of the call in progress (a stage runs one frame at a time)

    public TemporalMixFilter(IReadOnlyList<double> weights, double? scale, TemporalMode mode, BorderMode timeBorder, string context = "stage 'tmix'", ExecutionSettings? settings = null)
    {
        _settings = settings ?? ExecutionSettings.Default;
        if (weights.Count == 0) throw new ConvStreamException($"{context}: key 'weights' needs at least one weight");
        if (weights.Count > TemporalLimits.MaxSpan)
            throw new ConvStreamException($"{context}: key 'weights' has {weights.Count} weights; a window holds at most {TemporalLimits.MaxSpan} frames (use running-average for longer averages)");
        double s = scale ?? weights.Sum();
        if (s == 0 || !double.IsFinite(s))
            throw new ConvStreamException(scale is null
                ? $"{context}: the weights sum to 0, so they cannot be normalised; give key 'scale'"
                : $"{context}: key 'scale' must be a non-zero number but is {s.ToString(CultureInfo.InvariantCulture)}");
        _weights = weights.Select(w => (float)(w / s)).ToArray();
        _window = new Frame[_weights.Length];
        Weights = weights.ToArray();
        Scale = s;
        Mode = mode;
        TimeBorder = timeBorder;
    }

    public string Op => "tmix";
    public int Span => _weights.Length;
    public TemporalMode Mode { get; }
    public BorderMode TimeBorder { get; }
    public IReadOnlyList<double> Weights { get; }
    public double Scale { get; }

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        if (inputs[0].Depth != PixelDepth.U8) throw new ConvStreamException($"needs 8-bit frames but receives {inputs[0]}");
        return inputs[0];
    }

    public long MultiplyAdds(FrameFormat output) => (long)output.Width * output.Height * output.Channels * Span;

    public void Apply(ReadOnlySpan<Frame> window, Frame output)
    {
        if (window.Length != _weights.Length)
            throw new ConvStreamException($"{window.Length} frames given for {_weights.Length} weights");
        var frames = _window;
        window.CopyTo(frames);
        var weights = _weights;
        var level = _settings.Level;
        int length = output.RowLength;
        _settings.For(output.Height, (long)length * weights.Length, (frames, weights, output, length, level),
            static (c, y0, y1) => Rows(c.frames, c.weights, c.output, c.length, c.level, y0, y1));
        Array.Clear(frames); // hold no frame between calls
    }

    private static unsafe void Rows(Frame[] frames, float[] weights, Frame output, int length, SimdLevel level, int y0, int y1)
    {
        int count = frames.Length;
        byte** rows = stackalloc byte*[count];
        fixed (float* w = weights)
            for (int y = y0; y < y1; y++)
            {
                for (int i = 0; i < count; i++) rows[i] = (byte*)Unsafe.AsPointer(ref frames[i].Origin) + (nint)y * frames[i].Stride;
                TemporalRows.Mix(rows, w, count, (byte*)Unsafe.AsPointer(ref output.Origin) + (nint)y * output.Stride, length, level);
            }
    }
}
