using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using System.Runtime.CompilerServices;

namespace ConvStream.Engine.Filters.Temporal;

/// <summary>
/// <c>tdiff[:abs=true|false][,threshold=T][,time-border=replicate|zeros]</c>: each 8-bit frame
/// minus the one before it, per channel. <c>abs=true</c> (default): <c>|frame − previous|</c> as
/// u8; <c>abs=false</c>: the signed difference as s16 (−255..255). <c>threshold=T</c> turns the
/// absolute difference into a 0/255 mask (255 where it exceeds T). Causal by nature: a window of
/// the previous frame and this one. The first frame (and the first after a dropped frame) has no
/// previous one: with <c>replicate</c> (default) it is compared with itself (difference 0), with
/// <c>zeros</c> with a black frame (the frame itself).
/// </summary>
public sealed class FrameDifferenceFilter : ITemporalFilter
{
    private readonly bool _abs;
    private readonly int _threshold;   // −1: no threshold
    private readonly ExecutionSettings _settings;

    public FrameDifferenceFilter(bool abs, int? threshold, BorderMode timeBorder, string context = "stage 'tdiff'", ExecutionSettings? settings = null)
    {
        _settings = settings ?? ExecutionSettings.Default;
        if (threshold is { } t && (t < 0 || t > 255)) throw new ConvStreamException($"{context}: key 'threshold' must be 0..255 but is {t}");
        if (threshold is not null && !abs) throw new ConvStreamException($"{context}: key 'threshold' masks the absolute difference; it cannot be combined with abs=false");
        _abs = abs;
        _threshold = threshold ?? -1;
        TimeBorder = timeBorder;
    }

    public string Op => "tdiff";
    public int Span => 2;
    public TemporalMode Mode => TemporalMode.Causal;
    public BorderMode TimeBorder { get; }

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        if (inputs[0].Depth != PixelDepth.U8) throw new ConvStreamException($"needs 8-bit frames but receives {inputs[0]}");
        return _abs ? inputs[0] : inputs[0] with { Depth = PixelDepth.S16 };
    }

    public long MultiplyAdds(FrameFormat output) => (long)output.Width * output.Height * output.Channels;

    public void Apply(ReadOnlySpan<Frame> window, Frame output)
    {
        if (window.Length != 2) throw new ConvStreamException($"needs the previous frame and this one but {window.Length} frames were given");
        Frame previous = window[0], current = window[1];
        var level = _settings.Level;
        bool abs = _abs;
        int threshold = _threshold, length = output.RowLength;
        _settings.For(output.Height, SplitWork.Bytes(previous.RowBytes + current.RowBytes + output.RowBytes), (previous, current, output, abs, threshold, length, level),
            static (c, y0, y1) => Rows(c.previous, c.current, c.output, c.abs, c.threshold, c.length, c.level, y0, y1));
    }

    private static unsafe void Rows(Frame previous, Frame current, Frame output, bool abs, int threshold, int length, SimdLevel level, int y0, int y1)
    {
        byte* p = (byte*)Unsafe.AsPointer(ref previous.Origin), c = (byte*)Unsafe.AsPointer(ref current.Origin), o = (byte*)Unsafe.AsPointer(ref output.Origin);
        for (int y = y0; y < y1; y++)
        {
            byte* a = c + (nint)y * current.Stride, b = p + (nint)y * previous.Stride, d = o + (nint)y * output.Stride;
            if (abs) TemporalRows.AbsDiff(a, b, d, length, threshold, level);
            else TemporalRows.SignedDiff(a, b, (short*)d, length, level);
        }
    }
}
