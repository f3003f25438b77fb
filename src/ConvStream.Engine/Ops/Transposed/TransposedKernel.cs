using System.Runtime.InteropServices;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Ops.Pooling;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Transposed;

/// <summary>
/// Transposed convolution by output rows (gather over rows, scatter within a row). Output row oy
/// receives input row iy through kernel row ky exactly when <c>oy + p = iy·s + ky·d</c>, so each
/// output row is a short list of (ky, iy). Within a row, tap kx sends input column ix to
/// <c>ox = ix·s − p + kx·d</c>; splitting the output columns by phase <c>ox mod s</c> (sub-pixel
/// decomposition) makes every tap a contiguous shifted add into one phase row, and the phases are
/// interleaved into the output at the end (with shuffles at stride 2). When stride equals the
/// kernel (the upsampling layer) every tap has its own phase: no overlap, one add per sample.
/// </summary>
internal static unsafe class TransposedKernel
{
    /// <summary>Floats of the packed weights for a weight of (Cin, Cout/groups, KH, KW) in <paramref name="groups"/> groups.</summary>
    public static int PackedLength(int cin, int coutPerGroup, int kh, int kw, int groups)
        => groups * kh * Blocks(coutPerGroup, kw) * (cin / groups) * TransposedTaps.Width;

    private static int Blocks(int coutPerGroup, int kw) => (coutPerGroup * kw + TransposedTaps.Width - 1) / TransposedTaps.Width;

    /// <summary>
    /// Packs <paramref name="wt"/> (Cin, Cout/groups, KH, KW) into <paramref name="packed"/> (<see cref="PackedLength"/>
    /// floats): per group and kernel row, blocks of <see cref="TransposedTaps.Width"/> (co, kx) taps, each
    /// with its Cin/groups weights. Depends on the weights and groups only, so a plan does it once.
    /// </summary>
    public static void Pack(float[] wt, int cin, int coutG, int kh, int kw, int groups, Span<float> packed)
    {
        int cinG = cin / groups, taps = coutG * kw, blocks = Blocks(coutG, kw);
        packed[..PackedLength(cin, coutG, kh, kw, groups)].Clear();
        for (int g = 0; g < groups; g++)
            for (int ky = 0; ky < kh; ky++)
                for (int tap = 0; tap < taps; tap++)
                {
                    int co = tap / kw, kx = tap % kw, b = tap / TransposedTaps.Width, t = tap % TransposedTaps.Width;
                    for (int ci = 0; ci < cinG; ci++)
                        packed[(((g * kh + ky) * blocks + b) * cinG + ci) * TransposedTaps.Width + t] =
                            wt[(((g * cinG + ci) * coutG + co) * kh + ky) * kw + kx];
                }
    }

    /// <summary>Runs the call of shape <paramref name="s"/> with weights packed by <see cref="Pack"/>.</summary>
    public static void Run(float[] x, float* packed, float[]? bias, float[] y, ConvTranspose2dShape s, ExecutionSettings settings)
    {
        var level = settings.Level;
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        int taps = coutG * s.KW, blocks = Blocks(coutG, s.KW);

        // Column phases: tap kx lands at ox = (ix + q)·s + phase with kx·d − p = q·s + phase.
        int minQ = 0, maxQ = 0;
        for (int kx = 0; kx < s.KW; kx++)
        {
            int q = Math.DivRem(kx * s.DW - s.PW, s.SW, out int rem);
            if (rem < 0) q--;
            minQ = Math.Min(minQ, q); maxQ = Math.Max(maxQ, q);
        }
        int margin = -minQ;
        int rowLength = margin + Math.Max(s.W + maxQ, (s.OutW + s.SW - 1) / s.SW) + 1;

        int rows = s.N * s.OutH;
        long workPerRow = (long)s.Cout * s.W * cinG * s.KW;
        var job = new Job(x, y, bias, packed, s, rowLength, margin, blocks, taps, level, settings.ScratchFloats);
        if (settings.Threads <= 1 || rows * workPerRow < settings.MinMultiplyAddsPerTask) job.Band(0, rows);
        else settings.For(rows, workPerRow, job, static (j, start, end) => j.Band(start, end));
    }

    private readonly struct Job(float[] x, float[] y, float[]? bias, float* packed, ConvTranspose2dShape s,
        int rowLength, int margin, int blocks, int taps, SimdLevel level, long keepScratch)
    {
        public readonly void Band(int start, int end)
        {
            int cinG = s.CinPerGroup, coutG = s.CoutPerGroup, phaseRows = coutG * s.SW;
            using var lease = ScratchArena.Rent(ScratchArena.FloatsFor<float>(phaseRows * rowLength)
                + ScratchArena.FloatsFor<int>(blocks * TransposedTaps.Width), keepScratch);
            var carve = lease.Carve();
            Span<float> rows = carve.Take<float>(phaseRows * rowLength);
            // Where each (co, kx) tap adds into the phase rows: they depend on the row length, so on the input's width.
            Span<int> offsets = carve.Take<int>(blocks * TransposedTaps.Width);
            offsets.Clear();
            for (int tap = 0; tap < taps; tap++)
            {
                int co = tap / s.KW, kx = tap % s.KW;
                int q = Math.DivRem(kx * s.DW - s.PW, s.SW, out int phase);
                if (phase < 0) { phase += s.SW; q--; }
                offsets[tap] = (co * s.SW + phase) * rowLength + margin + q;
            }
            for (int r = start; r < end; r++)
            {
                int n = r / s.OutH, oy = r - n * s.OutH;
                for (int g = 0; g < s.Groups; g++)
                {
                    for (int co = 0; co < coutG; co++)
                        rows.Slice(co * s.SW * rowLength, s.SW * rowLength).Fill(bias is null ? 0f : bias[g * coutG + co]);
                    for (int ky = 0; ky < s.KH; ky++)
                    {
                        int num = oy + s.PH - ky * s.DH;
                        if (num < 0 || num % s.SH != 0) continue;
                        int iy = num / s.SH;
                        if (iy >= s.H) continue;
                        int xRow = ((n * s.Cin + g * cinG) * s.H + iy) * s.W;
                        for (int b = 0; b < blocks; b++)
                        {
                            int w0 = ((g * s.KH + ky) * blocks + b) * cinG * TransposedTaps.Width;
                            TransposedTaps.Run(x, xRow, s.H * s.W, cinG, s.W,
                                new ReadOnlySpan<float>(packed + w0, cinG * TransposedTaps.Width), rows,
                                offsets.Slice(b * TransposedTaps.Width, TransposedTaps.Width),
                                Math.Min(TransposedTaps.Width, taps - b * TransposedTaps.Width), level);
                        }
                    }
                    for (int co = 0; co < coutG; co++)
                    {
                        var output = y.AsSpan(((n * s.Cout + g * coutG + co) * s.OutH + oy) * s.OutW, s.OutW);
                        PhaseInterleave.Write(rows, co * s.SW * rowLength + margin, rowLength, s.SW, output, level);
                    }
                }
            }
        }
    }
}
