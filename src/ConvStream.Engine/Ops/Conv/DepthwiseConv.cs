using ConvStream.Engine.Geometry;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// Depthwise convolution (one input channel per output channel: groups = Cin, any channel
/// multiplier) with vertical stride and dilation 1: groups of <see cref="RowsPerItem"/> output
/// rows per channel run through <see cref="DepthwiseRowsKernel{TVec,TOps}"/>, so each resolved
/// input row is loaded once for four output rows. Horizontal stride, dilation, any padding and
/// border are resolved by the row ring as in the direct path. Same summation order as the direct
/// path, so results are identical to it and independent of the thread count.
/// </summary>
internal readonly unsafe struct DepthwiseConv
{
    public const int RowsPerItem = 4;

    private readonly Conv2dShape _s;
    private readonly BorderMode _border;
    private readonly bool _relu, _streaming;
    private readonly SimdLevel _level;
    private readonly long _scratchFloats;
    private readonly float* _input, _weights, _bias, _output;
    private readonly int _groupsPerImage;

    private DepthwiseConv(in Conv2dShape s, BorderMode border, bool relu, ExecutionSettings settings, float* input, float* weights, float* bias, float* output)
    {
        _streaming = StreamingOutput.Worth((long)s.N * s.Cout * s.OutH * s.OutW, settings);
        _s = s; _border = border; _relu = relu; _level = settings.Level; _scratchFloats = settings.ScratchFloats;
        _input = input; _weights = weights; _bias = bias; _output = output;
        _groupsPerImage = (s.OutH + RowsPerItem - 1) / RowsPerItem;
    }

    /// <summary>Whether a call with this shape can run here.</summary>
    public static bool Applies(in Conv2dShape s) => s.CinPerGroup == 1 && s.StrideH == 1 && s.DilationH == 1;

    /// <param name="weights">[Cout][KH][KW], flip applied.</param>
    public static void Run(in Conv2dShape s, BorderMode border, bool relu, ExecutionSettings settings, float* input, float* weights, float* bias, float* output)
    {
        var call = new DepthwiseConv(s, border, relu, settings, input, weights, bias, output);
        long workPerItem = (long)RowsPerItem * s.Cout * s.OutW * s.KH * s.KW;
        settings.For(s.N * call._groupsPerImage, workPerItem, call, static (c, start, end) => c.Band(start, end));
    }

    private void Band(int start, int end)
    {
        var s = _s;
        int coutG = s.CoutPerGroup;
        var layout = new PaddedRowLayout(s.W, s.PadLeft, s.PadRight, s.StrideW, _border, _level);
        int slots = s.KH + RowsPerItem - 1;
        long floats = 2L * slots + 2L * s.KW + 16 + PaddedRowRing.ScratchFloats(layout, s.Cin, slots);
        using var lease = ScratchArena.Rent(floats, _scratchFloats);
        nint* rows = (nint*)ScratchArena.Align64(lease.Pointer);
        nint* column = rows + slots;
        var ring = new PaddedRowRing(layout, s.Cin, s.H, s.PadTop, _border, slots, (float*)(column + s.KW));
        for (int kx = 0; kx < s.KW; kx++) column[kx] = layout.TapOffset(kx * s.DilationW);

        nint plane = (nint)s.OutH * s.OutW;
        int image = -1;
        for (int item = start; item < end; item++)
        {
            int n = item / _groupsPerImage, top = item % _groupsPerImage * RowsPerItem;
            int valid = Math.Min(RowsPerItem, s.OutH - top), needed = valid + s.KH - 1;
            if (n != image)
            {
                ring.Reset(_input + (nint)n * s.Cin * s.H * s.W);
                image = n;
            }
            for (int r = 0; r < needed; r++) ring.Ensure(top + r);
            if (item + 1 < end && (item + 1) % _groupsPerImage != 0)
                for (int r = needed; r < needed + RowsPerItem; r++) ring.Prefetch(top + r);
            for (int co = 0; co < s.Cout; co++)
            {
                int c = co / coutG;
                for (int r = 0; r < needed; r++) rows[r] = (nint)ring.Row(c, top + r);
                var job = new DepthwiseRowsJob(rows, valid, s.KH, s.KW, column, _weights + (nint)co * s.KH * s.KW,
                    _output + ((nint)n * s.Cout + co) * plane + (nint)top * s.OutW, s.OutW,
                    _bias == null ? 0 : _bias[co], _relu, _streaming);
                DepthwiseRowsKernel.Run(job, s.OutW, _level);
            }
        }
        if (_streaming) StreamingOutput.Fence();
    }
}
