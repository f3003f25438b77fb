using ConvStream.Engine.Geometry;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// Dense (one group) stride-1, undilated 3×3 convolution by Winograd F(2×2, 3×3)
/// (<see cref="WinogradKernel{TVec, TOps}"/>): any channels, padding and border. Work is split into
/// tile rows (two output rows each, across the batch too); a band keeps its own ring of resolved
/// input rows, split into even and odd samples (<see cref="PaddedRowLayout"/> at stride 2) so that
/// the four columns of every tile are contiguous loads. Tiles never depend on the band split, so
/// the result does not depend on the thread count.
/// </summary>
internal readonly unsafe struct WinogradConv
{
    private readonly Conv2dShape _s;
    private readonly BorderMode _border;
    private readonly bool _relu;
    private readonly SimdLevel _level;
    private readonly long _scratchFloats;
    private readonly bool _streaming;
    private readonly float* _input, _weights, _bias, _output;

    /// <summary>
    /// The geometries this path is chosen for: dense 3×3, stride and dilation 1, at least 16 input
    /// and 16 output channels. The transforms cost per channel, the saving per pair of channels,
    /// so narrow layers lose. Thread CPU time per 1080p call, 1 thread, direct → Winograd (loaded
    /// shared machine, the `wb` harness of issue 13's note): 3→16 11.7 → 15.9 ms, 4→8 8.4 → 10.5,
    /// 8→8 16.4 → 18.5 (slower), 16→16 56.5 → 47.4, 32→32 215.8 → 133.5 (faster).
    /// </summary>
    public static bool Accepts(int cout, int cinPerGroup, int kh, int kw, Conv2dOptions o)
        => kh == 3 && kw == 3 && o.Groups == 1 && o.Stride.H == 1 && o.Stride.W == 1 && o.Dilation.H == 1 && o.Dilation.W == 1
           && cout >= 16 && cinPerGroup >= 16;

    private WinogradConv(in Conv2dShape s, BorderMode border, bool relu, ExecutionSettings settings, float* input, float* weights, float* bias, float* output)
    {
        _streaming = StreamingOutput.Worth((long)s.N * s.Cout * s.OutH * s.OutW, settings);
        _s = s; _border = border; _relu = relu; _level = settings.Level; _scratchFloats = settings.ScratchFloats;
        _input = input; _weights = weights; _bias = bias; _output = output;
    }

    /// <param name="weights">Transformed by <see cref="WinogradWeights"/>.</param>
    /// <param name="bias">Cout values or null.</param>
    public static void Run(in Conv2dShape s, BorderMode border, bool relu, ExecutionSettings settings, float* input, float* weights, float* bias, float* output)
    {
        var call = new WinogradConv(s, border, relu, settings, input, weights, bias, output);
        int tileRows = (s.OutH + 1) / 2;
        // Multiply-adds of one tile row's products: the cost the band split weighs.
        long workPerTileRow = 16L * s.Cout * s.Cin * ((s.OutW + 1) / 2);
        settings.For(s.N * tileRows, workPerTileRow, call, static (c, start, end) => c.Band(start, end));
    }

    private void Band(int start, int end)
    {
        var s = _s;
        int tileRows = (s.OutH + 1) / 2, tiles = (s.OutW + 1) / 2, chunk = WinogradKernel.ChunkFloats;
        var layout = new PaddedRowLayout(s.W, s.PadLeft, s.PadRight, 2, _border);
        long vFloats = 16L * ((long)s.Cin * chunk + WinogradRowJob.Skew), mFloats = 16L * ((long)s.Cout * chunk + WinogradRowJob.Skew);
        long floats = 8L * s.Cin + vFloats + mFloats + 32 + PaddedRowRing.ScratchFloats(layout, s.Cin, 4);
        using var lease = ScratchArena.Rent(floats, _scratchFloats);
        float* v = ScratchArena.Align64(lease.Pointer);
        float* m = v + vFloats;
        nint* rows = (nint*)(m + mFloats);
        var ring = new PaddedRowRing(layout, s.Cin, s.H, s.PadTop, _border, 4, (float*)(rows + 4 * s.Cin));

        nint plane = (nint)s.OutH * s.OutW;
        int image = -1;
        for (int item = start; item < end; item++)
        {
            int n = item / tileRows, top = 2 * (item % tileRows);
            if (n != image)
            {
                ring.Reset(_input + (nint)n * s.Cin * s.H * s.W);
                image = n;
            }
            for (int r = 0; r < 4; r++) ring.Ensure(top + r);
            if (item + 1 < end && (item + 1) % tileRows != 0)
            {
                ring.Prefetch(top + 4);
                ring.Prefetch(top + 5);
            }
            for (int ci = 0; ci < s.Cin; ci++)
                for (int r = 0; r < 4; r++) rows[4 * ci + r] = (nint)ring.Row(ci, top + r);
            float* out0 = _output + (nint)n * s.Cout * plane + (nint)top * s.OutW;
            var job = new WinogradRowJob(rows, layout.PhaseLength, s.Cin, s.Cout, _weights, _bias, _relu,
                v, m, chunk, out0, top + 1 < s.OutH ? out0 + s.OutW : null, plane, s.OutW, _streaming);
            WinogradKernel.Run(job, tiles, _level);
        }
        if (_streaming) StreamingOutput.Fence();
    }
}
