using ConvStream.Engine.Geometry;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Fitting;

/// <summary>
/// The normal equations of a kernel fit, summed in one pass over every sample:
/// <c>Gram = AᵀWA</c> (unknowns × unknowns), <c>Rhs[o] = AᵀWb_o</c>, <c>TargetSquares[o] = b_oᵀWb_o</c>
/// and <c>Count = Σ W</c>, where a row of A is one output sample's patch (its taps, then 1 for
/// the bias) and W the sample weights. The model is linear in the weights, so these sums hold
/// everything the least-squares solution needs.
/// <para>
/// How: the frame is cut into bands of rows (fixed, so the sums do not depend on the thread
/// count). For each output row the KH source rows are padded once by the border rule (in double);
/// then, a chunk of columns at a time, the patch matrix of the chunk is formed row by row (one
/// row per tap — a shifted view of a padded row, no copy —, plus the bias and the targets: an
/// "augmented" matrix) and its Gram matrix is accumulated with vector dot products
/// (<see cref="GramRows"/>). Everything stays in L2; the
/// sums are in double, so even an ill-conditioned photo loses nothing to rounding here.
/// <see cref="NormalEquationsReference"/> is the specification.
/// </para>
/// </summary>
public sealed class NormalEquations
{
    /// <summary>Rows per band: enough work per task, and fixed so results are the same for any thread count.</summary>
    private const int BandRows = 16;
    /// <summary>Columns per chunk: (unknowns + outputs) rows of this many doubles stay in L2 (≈ 160 KB for a 3→3 5×5 kernel).</summary>
    private const int ChunkColumns = 256;

    public NormalEquations(int unknowns, int outputs, double[] gram, double[] rhs, double[] targetSquares, double count)
    {
        Unknowns = unknowns; Outputs = outputs; Gram = gram; Rhs = rhs; TargetSquares = targetSquares; Count = count;
    }

    public int Unknowns { get; }
    public int Outputs { get; }
    /// <summary>Unknowns × Unknowns, symmetric, row-major.</summary>
    public double[] Gram { get; }
    /// <summary>Outputs × Unknowns.</summary>
    public double[] Rhs { get; }
    public double[] TargetSquares { get; }
    /// <summary>Σ of the sample weights: the samples that count, per output.</summary>
    public double Count { get; }

    /// <summary>Builds the equations at <paramref name="level"/> on up to <paramref name="threads"/> cores.</summary>
    public static NormalEquations Build(FitDesign design, int threads, SimdLevel level, IFitProgress? progress = null, CancellationToken cancel = default)
    {
        int q = design.Unknowns, outs = design.Outputs, m = q + outs;
        var bands = new List<(int Group, int Y0, int Y1)>();
        for (int g = 0; g < design.Groups.Count; g++)
        {
            int h = design.Pairs[design.Groups[g].Pair].Height;
            for (int y = 0; y < h; y += BandRows) bands.Add((g, y, Math.Min(h, y + BandRows)));
        }
        var job = new BandSums(design, bands.ToArray(), m, level, progress, cancel);
        // Every band is worth a range of its own; the sums are added in band order below, so the
        // result does not depend on the thread count.
        Threads.For(Math.Max(1, threads), bands.Count, Threads.MinMultiplyAddsPerTask, job, static (j, start, end) => j.Run(start, end));
        var partial = job.Partial;
        var total = new double[m * m];
        foreach (var p in partial)
            for (int i = 0; i < total.Length; i++) total[i] += p[i];
        return FromAugmented(total, q, outs, CountOf(design));
    }

    /// <summary>One Build's bands: what every range reads, each band's Gram matrix, and the progress count (state for the ranges, no closure).</summary>
    private sealed class BandSums(FitDesign design, (int Group, int Y0, int Y1)[] bands, int m, SimdLevel level, IFitProgress? progress, CancellationToken cancel)
    {
        private int _done;
        public double[][] Partial { get; } = new double[bands.Length][];

        public void Run(int start, int end)
        {
            for (int b = start; b < end; b++)
            {
                cancel.ThrowIfCancellationRequested();
                var gram = new double[m * m];
                AccumulateBand(design, bands[b].Group, bands[b].Y0, bands[b].Y1, gram, level);
                Partial[b] = gram;
                if (progress is not null) lock (Partial) progress.Equations(++_done, bands.Length);
            }
        }
    }

    /// <summary>Splits the upper triangle of the augmented Gram matrix [A | b]ᵀ[A | b] into the equations.</summary>
    internal static NormalEquations FromAugmented(double[] upper, int q, int outs, double count)
    {
        int m = q + outs;
        var gram = new double[q * q];
        for (int i = 0; i < q; i++)
            for (int j = i; j < q; j++) gram[i * q + j] = gram[j * q + i] = upper[i * m + j];
        var rhs = new double[outs * q];
        var squares = new double[outs];
        for (int o = 0; o < outs; o++)
        {
            for (int i = 0; i < q; i++) rhs[o * q + i] = upper[i * m + q + o];
            squares[o] = upper[(q + o) * m + q + o];
        }
        return new NormalEquations(q, outs, gram, rhs, squares, count);
    }

    /// <summary>Σ of the sample weights of every group (a full kernel's outputs share one count).</summary>
    internal static double CountOf(FitDesign design)
    {
        double count = 0;
        foreach (var g in design.Groups)
        {
            var pair = design.Pairs[g.Pair];
            var weights = design.TargetWeights(g.Pair);
            if (weights is null) { count += pair.Plane; continue; }
            var plane = weights.AsSpan(g.FirstTarget * pair.Plane, pair.Plane);
            foreach (float w in plane) count += w;
        }
        return count;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateBand(FitDesign design, int groupIndex, int y0, int y1, double[] gram, SimdLevel level)
    {
        var model = design.Model;
        var group = design.Groups[groupIndex];
        var pair = design.Pairs[group.Pair];
        float[]? weights = design.TargetWeights(group.Pair);
        int w = pair.Width, h = pair.Height, plane = pair.Plane;
        int kh = model.KH, kw = model.KW, inputs = design.Inputs, outs = design.Outputs, taps = design.Taps, q = design.Unknowns;
        int m = q + outs, wp = w + kw - 1, stride = ChunkColumns;
        var border = model.Border;

        // One buffer: the KH padded source rows of each input, then room for (unknowns + outputs)
        // rows of one chunk. A tap's row is a shifted view into its padded source row when nothing
        // needs weighting; clipped samples (weights) and a chunk not a whole number of vectors wide
        // get copies with the weights applied and a zero tail.
        int paddedLength = inputs * kh * wp, rowsAt = paddedLength;
        // A lease on this band's thread's scratch arena.
        using var lease = ScratchArena.Rent(ScratchArena.FloatsFor<int>(wp) + ScratchArena.FloatsFor<int>(m) + ScratchArena.FloatsFor<double>(paddedLength + m * stride));
        var carve = lease.Carve();
        Span<int> colMap = carve.Take<int>(wp), starts = carve.Take<int>(m);
        Span<double> buffer = carve.Take<double>(paddedLength + m * stride);
        for (int px = 0; px < wp; px++) colMap[px] = BorderModes.Map(px - model.AnchorX, w, border);
        for (int y = y0; y < y1; y++)
        {
            for (int ci = 0; ci < inputs; ci++)
            {
                int srcPlane = (group.FirstInput + ci) * plane;
                for (int ky = 0; ky < kh; ky++)
                {
                    var dst = buffer.Slice((ci * kh + ky) * wp, wp);
                    int sy = BorderModes.Map(y + ky - model.AnchorY, h, border);
                    if (sy < 0) { dst.Clear(); continue; }
                    var src = pair.Input.AsSpan(srcPlane + sy * w, w);
                    for (int px = 0; px < wp; px++) { int sx = colMap[px]; dst[px] = sx < 0 ? 0 : src[sx]; }
                }
            }
            for (int x0 = 0; x0 < w; x0 += ChunkColumns)
            {
                int len = Math.Min(ChunkColumns, w - x0);
                int vecLen = (len + 7) & ~7;
                bool view = weights is null && len == vecLen;
                int weightRow = group.FirstTarget * plane + y * w + x0;
                for (int ci = 0, t = 0; ci < inputs; ci++)
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++, t++)
                        {
                            int seg = (ci * kh + ky) * wp + x0 + kx;
                            if (view) { starts[t] = seg; continue; }
                            starts[t] = rowsAt + t * stride;
                            var row = buffer.Slice(starts[t], vecLen);
                            var src = buffer.Slice(seg, len);
                            if (weights is null) src.CopyTo(row);
                            else for (int j = 0; j < len; j++) row[j] = src[j] * weights[weightRow + j];
                            row[len..].Clear();
                        }
                if (model.Bias)
                {
                    starts[taps] = rowsAt + taps * stride;
                    var row = buffer.Slice(starts[taps], vecLen);
                    if (weights is null) row[..len].Fill(1);
                    else for (int j = 0; j < len; j++) row[j] = weights[weightRow + j];
                    row[len..].Clear();
                }
                for (int o = 0; o < outs; o++)
                {
                    starts[q + o] = rowsAt + (q + o) * stride;
                    var row = buffer.Slice(starts[q + o], vecLen);
                    int at = (group.FirstTarget + o) * plane + y * w + x0;
                    var target = pair.Target.AsSpan(at, len);
                    if (weights is null) for (int j = 0; j < len; j++) row[j] = target[j];
                    else for (int j = 0; j < len; j++) row[j] = target[j] * weights[at + j];
                    row[len..].Clear();
                }
                GramRows.Accumulate(buffer, starts[..m], vecLen, gram, level);
            }
        }
    }
}
