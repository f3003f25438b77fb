using ConvStream.Engine.Geometry;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// The general path: any channels, groups, stride, dilation, padding and border. Work is split
/// into bands of output rows (across the batch too); a band keeps its own ring of resolved input
/// rows, and for each output row and group hands the register-blocked kernel one tap pointer per
/// (ci, ky, kx). Every output value is computed by the same sequence of operations whatever the
/// band split, so the result does not depend on the thread count.
/// </summary>
internal readonly unsafe struct DirectConv
{
    private readonly Conv2dShape _s;
    private readonly BorderMode _border;
    private readonly bool _relu;
    private readonly SimdLevel _level;
    private readonly long _scratchFloats;
    private readonly bool _streaming;
    private readonly float* _input, _weights, _bias, _output;

    private DirectConv(in Conv2dShape s, BorderMode border, bool relu, ExecutionSettings settings, float* input, float* weights, float* bias, float* output)
    {
        _streaming = StreamingOutput.Worth((long)s.N * s.Cout * s.OutH * s.OutW, settings);
        _s = s; _border = border; _relu = relu; _level = settings.Level; _scratchFloats = settings.ScratchFloats;
        _input = input; _weights = weights; _bias = bias; _output = output;
    }

    /// <param name="weights">Packed by <see cref="PackedWeights"/>.</param>
    /// <param name="bias">Cout values or null.</param>
    public static void Run(in Conv2dShape s, BorderMode border, bool relu, ExecutionSettings settings, float* input, float* weights, float* bias, float* output)
    {
        var call = new DirectConv(s, border, relu, settings, input, weights, bias, output);
        long workPerRow = (long)s.Cout * s.OutW * s.CinPerGroup * s.KH * s.KW;
        settings.For(s.N * s.OutH, workPerRow, call, static (c, start, end) => c.Band(start, end));
    }

    /// <summary>
    /// Output rows [start, end) of the batch (item n·OutH + oy) on the calling thread: the rows
    /// another path hands back (Winograd's rows whose inputs are not all finite).
    /// </summary>
    internal static void Rows(in Conv2dShape s, BorderMode border, bool relu, ExecutionSettings settings, float* input, float* weights, float* bias, float* output, int start, int end)
        => new DirectConv(s, border, relu, settings, input, weights, bias, output).Band(start, end);

    private void Band(int start, int end)
    {
        var s = _s;
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup, taps = cinG * s.KH * s.KW;
        var layout = new PaddedRowLayout(s.W, s.PadLeft, s.PadRight, s.StrideW, _border, _level);
        int slots = s.DilationH * (s.KH - 1) + 1;
        long floats = 2L * taps + 2L * s.KW + 16 + PaddedRowRing.ScratchFloats(layout, s.Cin, slots);
        using var lease = ScratchArena.Rent(floats, _scratchFloats);
        nint* tap = (nint*)ScratchArena.Align64(lease.Pointer);
        nint* column = tap + taps;
        var ring = new PaddedRowRing(layout, s.Cin, s.H, s.PadTop, _border, slots, (float*)(column + s.KW));
        for (int kx = 0; kx < s.KW; kx++) column[kx] = layout.TapOffset(kx * s.DilationW) * sizeof(float);

        nint plane = (nint)s.OutH * s.OutW;
        int image = -1;
        for (int item = start; item < end; item++)
        {
            int n = item / s.OutH, oy = item % s.OutH;
            if (n != image)
            {
                ring.Reset(_input + (nint)n * s.Cin * s.H * s.W);
                image = n;
            }
            int top = oy * s.StrideH;
            for (int ky = 0; ky < s.KH; ky++) ring.Ensure(top + ky * s.DilationH);
            if (item + 1 < end && (item + 1) % s.OutH != 0) ring.Prefetch(top + s.StrideH + (s.KH - 1) * s.DilationH);
            for (int g = 0; g < s.Groups; g++)
            {
                int t = 0;
                for (int ci = 0; ci < cinG; ci++)
                    for (int ky = 0; ky < s.KH; ky++)
                    {
                        nint row = (nint)ring.Row(g * cinG + ci, top + ky * s.DilationH);
                        for (int kx = 0; kx < s.KW; kx++) tap[t++] = row + column[kx];
                    }
                int co = g * coutG;
                var job = new ConvRowJob(tap, taps, _weights + (nint)co * taps, coutG,
                    _output + ((nint)n * s.Cout + co) * plane + (nint)oy * s.OutW, plane,
                    _bias == null ? null : _bias + co, _relu, _streaming);
                ConvRowKernel.Run(job, 0, s.OutW, _level);
            }
        }
        if (_streaming) StreamingOutput.Fence();
    }
}
