using System.Globalization;
using System.Runtime.CompilerServices;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Temporal;

/// <summary>
/// <c>foreground[:threshold=T]</c> with two inputs, the 8-bit frame and its background (a
/// <c>running-average</c> stage, f32, same size and channels): a one-channel 0/255 mask, 255
/// where any channel of the frame differs from the background by more than T (default 25), as
/// OpenCV's background subtractors give a one-channel mask. The comparison is in float:
/// <c>|frame − bg| &gt; T</c>.
/// </summary>
public sealed class ForegroundFilter : IFrameFilter
{
    private readonly float _threshold;
    private readonly ExecutionSettings _settings;

    public ForegroundFilter(double threshold, string context = "stage 'foreground'", ExecutionSettings? settings = null)
    {
        _settings = settings ?? ExecutionSettings.Default;
        if (!(threshold >= 0 && threshold <= 255)) throw new ConvStreamException($"{context}: key 'threshold' must be 0..255 but is {threshold.ToString(CultureInfo.InvariantCulture)}");
        _threshold = (float)threshold;
    }

    public string Op => "foreground";
    public int InputCount => 2;

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        if (inputs.Length != 2) throw new ConvStreamException($"takes 2 inputs (the frame, its running-average background) but was given {inputs.Length}");
        var (f, bg) = (inputs[0], inputs[1]);
        if (f.Depth != PixelDepth.U8) throw new ConvStreamException($"the first input must be the 8-bit frame but is {f}");
        if (bg != f with { Depth = PixelDepth.F32 })
            throw new ConvStreamException($"the second input must be the frame's f32 background (a running-average stage, {f with { Depth = PixelDepth.F32 }}) but is {bg}");
        return f with { Channels = 1 };
    }

    public long MultiplyAdds(FrameFormat output) => (long)output.Width * output.Height;

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
    {
        Frame frame = inputs[0], bg = inputs[1];
        float t = _threshold;
        _settings.For(frame.Height, SplitWork.Bytes(frame.RowBytes + bg.RowBytes + output.RowBytes), (frame, bg, output, t), static (c, y0, y1) => Rows(c.frame, c.bg, c.output, c.t, y0, y1));
    }

    private static unsafe void Rows(Frame frame, Frame bg, Frame output, float threshold, int y0, int y1)
    {
        byte* f = (byte*)Unsafe.AsPointer(ref frame.Origin), b = (byte*)Unsafe.AsPointer(ref bg.Origin), o = (byte*)Unsafe.AsPointer(ref output.Origin);
        for (int y = y0; y < y1; y++)
            TemporalRows.Foreground(f + (nint)y * frame.Stride, (float*)(b + (nint)y * bg.Stride), o + (nint)y * output.Stride, frame.Width, frame.Channels, threshold);
    }
}
