using ConvStream.Engine.Geometry;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Volumetric;

/// <summary>
/// conv3d as conv2d's direct path over virtual channels: for one output frame, each pair
/// (input channel ci, kernel time kt) is one plane (the input frame the tap reads, chosen by the
/// temporal border, or a zero plane), so a 3-D kernel is a 2-D kernel over Cin·KT channels and
/// runs on the same register-blocked row kernel, with the same padded-row ring resolving the
/// spatial borders. Work is split into bands of output rows across (batch, output frame, row);
/// every output value is computed by the same sequence of operations whatever the split, so the
/// result does not depend on the thread count.
/// </summary>
internal readonly unsafe struct Conv3dDirect
{
    private readonly Conv3dShape _s;
    private readonly BorderMode _border, _timeBorder;
    private readonly bool _relu, _streaming;
    private readonly SimdLevel _level;
    private readonly long _scratchFloats;
    private readonly float* _input, _weights, _bias, _output;

    private Conv3dDirect(in Conv3dShape s, BorderMode border, BorderMode timeBorder, bool relu, ExecutionSettings settings,
        float* input, float* weights, float* bias, float* output)
    {
        _streaming = StreamingOutput.Worth((long)s.N * s.Cout * s.OutT * s.OutH * s.OutW, settings);
        _s = s; _border = border; _timeBorder = timeBorder; _relu = relu; _level = settings.Level; _scratchFloats = settings.ScratchFloats;
        _input = input; _weights = weights; _bias = bias; _output = output;
    }

    /// <param name="weights">Packed by <see cref="PackedWeights"/> as (Cout, Cin/groups·KT, KH, KW).</param>
    /// <param name="bias">Cout values or null.</param>
    public static void Run(in Conv3dShape s, BorderMode border, BorderMode timeBorder, bool relu, ExecutionSettings settings,
        float* input, float* weights, float* bias, float* output)
    {
        var call = new Conv3dDirect(s, border, timeBorder, relu, settings, input, weights, bias, output);
        long workPerRow = (long)s.Cout * s.OutW * s.CinPerGroup * s.KT * s.KH * s.KW;
        settings.For(s.N * s.OutT * s.OutH, workPerRow, call, static (c, start, end) => c.Band(start, end));
    }

    private void Band(int start, int end)
    {
        var s = _s;
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup, planes = s.Cin * s.KT;
        int taps = cinG * s.KT * s.KH * s.KW;
        var layout = new PaddedRowLayout(s.W, s.PadLeft, s.PadRight, s.StrideW, _border, _level);
        int slots = s.DilationH * (s.KH - 1) + 1;
        long floats = 2L * taps + 2L * s.KW + 2L * planes + 16 + PaddedRowRing.ScratchFloats(layout, planes, slots);
        using var lease = ScratchArena.Rent(floats, _scratchFloats);
        nint* tap = (nint*)ScratchArena.Align64(lease.Pointer);
        nint* column = tap + taps;
        nint* plane = column + s.KW;
        var ring = new PaddedRowRing(layout, planes, s.H, s.PadTop, _border, slots, (float*)(plane + planes));
        for (int kx = 0; kx < s.KW; kx++) column[kx] = layout.TapOffset(kx * s.DilationW) * sizeof(float);

        nint framePixels = (nint)s.H * s.W, outFrame = (nint)s.OutH * s.OutW, outChannel = s.OutT * outFrame;
        int frame = -1;  // (n, ot) whose planes the ring holds
        for (int item = start; item < end; item++)
        {
            int oy = item % s.OutH, nt = item / s.OutH, ot = nt % s.OutT, n = nt / s.OutT;
            if (nt != frame)
            {
                for (int c = 0; c < s.Cin; c++)
                    for (int kt = 0; kt < s.KT; kt++)
                    {
                        int it = BorderModes.Map(ot * s.StrideT - s.PadFront + kt * s.DilationT, s.T, _timeBorder);
                        plane[c * s.KT + kt] = it < 0 ? 0 : (nint)(_input + (((nint)n * s.Cin + c) * s.T + it) * framePixels);
                    }
                ring.Reset(plane);
                frame = nt;
            }
            int top = oy * s.StrideH;
            for (int ky = 0; ky < s.KH; ky++) ring.Ensure(top + ky * s.DilationH);
            if (item + 1 < end && oy + 1 < s.OutH) ring.Prefetch(top + s.StrideH + (s.KH - 1) * s.DilationH);
            for (int g = 0; g < s.Groups; g++)
            {
                int t = 0;
                for (int v = g * cinG * s.KT; v < (g + 1) * cinG * s.KT; v++)
                    for (int ky = 0; ky < s.KH; ky++)
                    {
                        nint row = (nint)ring.Row(v, top + ky * s.DilationH);
                        for (int kx = 0; kx < s.KW; kx++) tap[t++] = row + column[kx];
                    }
                int co = g * coutG;
                var job = new ConvRowJob(tap, taps, _weights + (nint)co * taps, coutG,
                    _output + ((nint)n * s.Cout + co) * outChannel + (nint)ot * outFrame + (nint)oy * s.OutW, outChannel,
                    _bias == null ? null : _bias + co, _relu, _streaming);
                ConvRowKernel.Run(job, 0, s.OutW, _level);
            }
        }
        if (_streaming) StreamingOutput.Fence();
    }
}
