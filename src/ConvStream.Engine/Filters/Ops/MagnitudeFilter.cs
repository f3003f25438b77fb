using ConvStream.Engine.Imaging;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>magnitude[:norm=l2|l1][,depth=u8|f32]</c>: the gradient magnitude of a dx/dy pair (two
/// inputs of the same shape, s16 or f32, any channel count). L2 is <c>cv2.magnitude</c> on
/// float; L1 is <c>|dx| + |dy|</c>. The default u8 output is <c>cv2.convertScaleAbs</c> of
/// that (round half to even, saturate); <c>depth=f32</c> keeps the float magnitude.
/// </summary>
public sealed class MagnitudeFilter : IFrameFilter
{
    private readonly bool _l1;
    private readonly PixelDepth _depth;

    private readonly ExecutionSettings _settings;

    public MagnitudeFilter(bool l1, PixelDepth depth, ExecutionSettings? settings = null)
    {
        _settings = settings ?? ExecutionSettings.Default;
        if (depth == PixelDepth.S16) throw new ConvStreamException($"depth must be u8 or f32 but is {depth}");
        _l1 = l1; _depth = depth;
    }

    public string Op => "magnitude";
    public int InputCount => 2;

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        if (inputs.Length != 2) throw new ConvStreamException($"takes 2 inputs (dx, dy) but was given {inputs.Length}");
        var a = inputs[0]; var b = inputs[1];
        if (a.Depth == PixelDepth.U8)
            throw new ConvStreamException($"gradients must be s16 or f32 (e.g. sobel with depth=s16) but dx is {a}");
        if (a != b) throw new ConvStreamException($"dx is {a} but dy is {b}; they must match");
        return a with { Depth = _depth };
    }

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        => _settings.For(inputs[0].Height, SplitWork.Bytes(2L * inputs[0].RowBytes + output.RowBytes), (this, inputs[0], inputs[1], output), static (c, y0, y1) => c.Item1.Rows(c.Item2, c.Item3, c.Item4, y0, y1));

    /// <summary>Output rows [y0, y1) of one call (a band of <see cref="Apply"/>).</summary>
    private void Rows(Frame dx, Frame dy, Frame output, int y0, int y1)
    {
        int n = dx.RowLength;
        var level = _settings.Level;
        bool l1 = _l1;
        using var lease = ScratchArena.Rent(3 * ScratchArena.FloatsFor<float>(n), _settings.ScratchFloats);
        var carve = lease.Carve();
        Span<float> fx = carve.Take<float>(n), fy = carve.Take<float>(n), m = carve.Take<float>(n);
        for (int y = y0; y < y1; y++)
        {
            ReadOnlySpan<float> rx, ry;
            if (dx.Depth == PixelDepth.F32) { rx = dx.Row<float>(y); ry = dy.Row<float>(y); }
            else { FrameConvert.RowToFloat(dx, y, fx, level); FrameConvert.RowToFloat(dy, y, fy, level); rx = fx; ry = fy; }
            if (output.Depth == PixelDepth.F32) MagnitudeRow.Run(rx, ry, output.Row<float>(y), l1, 1f, level);
            else { MagnitudeRow.Run(rx, ry, m, l1, 1f, level); FrameConvert.FloatToRow(m, output, y, level); }
        }
    }
}
