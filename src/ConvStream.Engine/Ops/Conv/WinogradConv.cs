using ConvStream.Engine.Geometry;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// Dense (one group) stride-1, undilated 3×3 convolution by Winograd F(m×m, 3×3), m = 2 or 4
/// (<see cref="WinogradKernel{TVec, TOps}"/>): any channels, padding and border. Work is split into
/// tile rows (m output rows each, across the batch too); a band keeps its own ring of resolved
/// input rows, split into m phases (<see cref="PaddedRowLayout"/> at stride m) so that the m + 2
/// columns of every tile are contiguous loads. A tile row any of whose input rows holds ±Inf or
/// NaN runs the direct path instead (<see cref="FiniteRow"/>): the transforms would turn one Inf
/// into NaN. Tiles never depend on the band split, so the result does not depend on the thread count.
/// </summary>
internal readonly unsafe struct WinogradConv
{
    private readonly Conv2dShape _s;
    private readonly int _tile;
    private readonly BorderMode _border;
    private readonly bool _relu;
    private readonly ExecutionSettings _settings;
    private readonly bool _streaming;
    private readonly float* _input, _weights, _directWeights, _bias, _output;

    /// <summary>
    /// The geometries a Winograd path is chosen for: dense 3×3, stride and dilation 1, at least 16
    /// input and 16 output channels; the plan then runs F(4×4) (<see cref="Conv2dPath.Winograd4x4"/>).
    /// The transforms cost per channel, the saving per pair of channels, so narrow layers lose.
    /// Thread CPU time per 1080p call, 1 thread, direct / F(2×2) / F(4×4) (`ConvStream.Benchmarks
    /// conv-cpu 9` on the shared 2-core machine at a load of 6–8): 3→16 12.0 / 15.3 / 17.8 ms
    /// (direct wins), 16→16 55.5 / 49.8 / 47.7, 32→32 198.8 / 129.8 / 113.3 (F(4×4) wins); two
    /// earlier runs at a load of 21–29 ordered them alike (32→32 F(4×4) 113.7–139.0 against F(2×2)
    /// 131.7–144.0; 16→16 within the noise, F(4×4) 43.7–47.1 against 48.4–51.2 at load ~20). At
    /// the previous stop 4→8 and 8→8 were slower on F(2×2) than direct (8.4 → 10.5, 16.4 → 18.5 ms).
    /// </summary>
    public static bool Accepts(int cout, int cinPerGroup, int kh, int kw, Conv2dOptions o)
        => Fits(kh, kw, o) && cout >= 16 && cinPerGroup >= 16;

    /// <summary>The geometries the transforms can compute at all: dense 3×3, stride and dilation 1.</summary>
    public static bool Fits(int kh, int kw, Conv2dOptions o)
        => kh == 3 && kw == 3 && o.Groups == 1 && o.Stride.H == 1 && o.Stride.W == 1 && o.Dilation.H == 1 && o.Dilation.W == 1;

    private WinogradConv(in Conv2dShape s, int tile, BorderMode border, bool relu, ExecutionSettings settings, float* input, float* weights, float* directWeights, float* bias, float* output)
    {
        _streaming = StreamingOutput.Worth((long)s.N * s.Cout * s.OutH * s.OutW, settings);
        _s = s; _tile = tile; _border = border; _relu = relu; _settings = settings;
        _input = input; _weights = weights; _directWeights = directWeights; _bias = bias; _output = output;
    }

    /// <param name="tile">m: 2 or 4.</param>
    /// <param name="weights">Transformed by <see cref="WinogradWeights"/> for <paramref name="tile"/>.</param>
    /// <param name="directWeights">Packed by <see cref="PackedWeights"/>, for the tile rows that are not finite.</param>
    /// <param name="bias">Cout values or null.</param>
    public static void Run(in Conv2dShape s, int tile, BorderMode border, bool relu, ExecutionSettings settings, float* input, float* weights, float* directWeights, float* bias, float* output)
    {
        var call = new WinogradConv(s, tile, border, relu, settings, input, weights, directWeights, bias, output);
        int tileRows = (s.OutH + tile - 1) / tile;
        // Multiply-adds of one tile row's products: the cost the band split weighs.
        long workPerTileRow = (long)(tile + 2) * (tile + 2) * s.Cout * s.Cin * ((s.OutW + tile - 1) / tile);
        settings.For(s.N * tileRows, workPerTileRow, call, static (c, start, end) => c.Band(start, end));
    }

    private void Band(int start, int end)
    {
        var s = _s;
        int m = _tile, span = m + 2;
        int tileRows = (s.OutH + m - 1) / m, tiles = (s.OutW + m - 1) / m, chunk = WinogradKernel.ChunkFloats;
        // The last tile reads columns m·tiles … m·tiles + 1 (phases 0 and 1 at element tiles).
        var layout = new PaddedRowLayout(s.W, s.PadLeft, s.PadRight, m, _border, _settings.Level, minPhaseLength: tiles + 1);
        long positions = span * span;
        long vFloats = positions * ((long)s.Cin * chunk + WinogradRowJob.Skew), mFloats = positions * ((long)s.Cout * chunk + WinogradRowJob.Skew);
        int streamedRows = _streaming && m == 4 ? m * s.Cout : 0;
        long floats = 2L * span * s.Cin + vFloats + mFloats + 32 + StreamedRows.ScratchFloats(streamedRows) + PaddedRowRing.ScratchFloats(layout, s.Cin, span);
        using var lease = ScratchArena.Rent(floats, _settings.ScratchFloats);
        float* v = ScratchArena.Align64(lease.Pointer);
        float* mp = v + vFloats;
        float* carry = mp + mFloats;
        var streamed = new StreamedRows(carry, (int*)(carry + streamedRows * StreamedRows.Line));
        nint* rows = (nint*)(carry + StreamedRows.ScratchFloats(streamedRows));
        var ring = new PaddedRowRing(layout, s.Cin, s.H, s.PadTop, _border, span, (float*)(rows + span * s.Cin), trackFinite: true);

        nint plane = (nint)s.OutH * s.OutW;
        int image = -1;
        for (int item = start; item < end; item++)
        {
            int n = item / tileRows, top = m * (item % tileRows), outRows = Math.Min(m, s.OutH - top);
            if (n != image)
            {
                ring.Reset(_input + (nint)n * s.Cin * s.H * s.W);
                image = n;
            }
            bool finite = true;
            for (int r = 0; r < span; r++)
            {
                ring.Ensure(top + r);
                finite &= ring.Finite(top + r);
            }
            if (item + 1 < end && (item + 1) % tileRows != 0)
                for (int r = span; r < span + m; r++) ring.Prefetch(top + r);
            if (!finite)
            {
                int first = n * s.OutH + top;
                DirectConv.Rows(s, _border, _relu, _settings, _input, _directWeights, _bias, _output, first, first + outRows);
                continue;
            }
            for (int ci = 0; ci < s.Cin; ci++)
                for (int r = 0; r < span; r++) rows[span * ci + r] = (nint)ring.Row(ci, top + r);
            streamed.Reset(streamedRows);
            float* out0 = _output + (nint)n * s.Cout * plane + (nint)top * s.OutW;
            var job = new WinogradRowJob(m, rows, layout.PhaseLength, s.Cin, s.Cout, _weights, _bias, _relu,
                v, mp, chunk, out0, outRows, plane, s.OutW, _streaming, streamed);
            WinogradKernel.Run(job, tiles, _settings.Level);
        }
        if (_streaming) StreamingOutput.Fence();
    }
}
