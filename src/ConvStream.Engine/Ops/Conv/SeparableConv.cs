using ConvStream.Engine.Geometry;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// Rank-1 kernels on one input channel per output (depthwise, channel multipliers, Cin = 1):
/// a row pass with v turns each resolved input row into a row of horizontally filtered values
/// (stride and dilation applied), kept in a ring per output channel so each is computed once;
/// the column pass with u then combines KH of them into an output row, with bias and ReLU.
/// Both passes are <see cref="ConvRowKernel{TVec,TOps}"/> jobs. As with the direct path, each
/// output is computed the same way whatever the band split.
/// </summary>
internal readonly unsafe struct SeparableConv
{
    private readonly Conv2dShape _s;
    private readonly BorderMode _border;
    private readonly bool _relu;
    private readonly SimdLevel _level;
    private readonly long _scratchFloats;
    private readonly bool _streaming;
    private readonly float* _input, _columnWeights, _rowWeights, _bias, _output;

    private SeparableConv(in Conv2dShape s, BorderMode border, bool relu, ExecutionSettings settings, float* input,
        float* columnWeights, float* rowWeights, float* bias, float* output)
    {
        _streaming = StreamingOutput.Worth((long)s.N * s.Cout * s.OutH * s.OutW, settings);
        _s = s; _border = border; _relu = relu; _level = settings.Level; _scratchFloats = settings.ScratchFloats;
        _input = input; _columnWeights = columnWeights; _rowWeights = rowWeights; _bias = bias; _output = output;
    }

    /// <param name="columnWeights">u of each output channel, [Cout][KH], flip applied.</param>
    /// <param name="rowWeights">v of each output channel, [Cout][KW], flip applied.</param>
    public static void Run(in Conv2dShape s, BorderMode border, bool relu, ExecutionSettings settings, float* input,
        float* columnWeights, float* rowWeights, float* bias, float* output)
    {
        var call = new SeparableConv(s, border, relu, settings, input, columnWeights, rowWeights, bias, output);
        long workPerRow = (long)s.Cout * s.OutW * (s.KH + s.KW);
        settings.For(s.N * s.OutH, workPerRow, call, static (c, start, end) => c.Band(start, end));
    }

    private void Band(int start, int end)
    {
        var s = _s;
        int coutG = s.CoutPerGroup;
        var layout = new PaddedRowLayout(s.W, s.PadLeft, s.PadRight, s.StrideW, _border, _level);
        int slots = s.DilationH * (s.KH - 1) + 1;
        int rowFloats = (s.OutW + 15) & ~15;
        long floats = 2L * (s.KW + s.KH) + slots + layout.Length + (long)s.Cout * slots * rowFloats + 64;
        using var lease = ScratchArena.Rent(floats, _scratchFloats);
        nint* rowTap = (nint*)ScratchArena.Align64(lease.Pointer);
        nint* columnTap = rowTap + s.KW;
        int* tags = (int*)(columnTap + s.KH);
        var ring = new RowRing(slots, tags);    // row-filtered rows of every output channel, by padded row
        float* padded = ScratchArena.Align64((float*)(tags + slots));
        float* filtered = ScratchArena.Align64(padded + layout.Length); // Cout × slots × rowFloats

        nint plane = (nint)s.OutH * s.OutW;
        int image = -1;
        for (int item = start; item < end; item++)
        {
            int n = item / s.OutH, oy = item % s.OutH;
            if (n != image)
            {
                ring.Reset();
                image = n;
            }
            int top = oy * s.StrideH;
            for (int ky = 0; ky < s.KH; ky++)
            {
                int pr = top + ky * s.DilationH;
                if (!ring.Claim(pr, out int slot)) continue;
                int iy = BorderModes.Map(pr - s.PadTop, s.H, _border);
                for (int c = 0; c < s.Cin; c++)
                {
                    float* src = iy < 0 ? null : _input + (((nint)n * s.Cin + c) * s.H + iy) * s.W;
                    float* row = src;
                    if (!layout.InPlace || src == null)
                    {
                        layout.Fill(src, padded);
                        row = padded;
                    }
                    for (int kx = 0; kx < s.KW; kx++) rowTap[kx] = (nint)(row + layout.TapOffset(kx * s.DilationW));
                    for (int co = c * coutG; co < (c + 1) * coutG; co++)
                    {
                        var pass = new ConvRowJob(rowTap, s.KW, _rowWeights + (nint)co * s.KW, 1,
                            filtered + ((nint)co * slots + slot) * rowFloats, 0, null, false);
                        ConvRowKernel.Run(pass, 0, s.OutW, _level);
                    }
                }
            }
            for (int co = 0; co < s.Cout; co++)
            {
                for (int ky = 0; ky < s.KH; ky++)
                    columnTap[ky] = (nint)(filtered + ((nint)co * slots + ring.SlotOf(top + ky * s.DilationH)) * rowFloats);
                var pass = new ConvRowJob(columnTap, s.KH, _columnWeights + (nint)co * s.KH, 1,
                    _output + ((nint)n * s.Cout + co) * plane + (nint)oy * s.OutW, 0,
                    _bias == null ? null : _bias + co, _relu, _streaming);
                ConvRowKernel.Run(pass, 0, s.OutW, _level);
            }
        }
        if (_streaming) StreamingOutput.Fence();
    }
}
