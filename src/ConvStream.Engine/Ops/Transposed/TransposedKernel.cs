using System.Buffers;
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
internal static class TransposedKernel
{
    public static void Run(float[] x, float[] wt, float[]? bias, float[] y, ConvTranspose2dShape s, ExecutionSettings settings)
    {
        var level = settings.Level;
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        int taps = coutG * s.KW, blocks = (taps + TransposedTaps.Width - 1) / TransposedTaps.Width;

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

        int packedLength = s.Groups * s.KH * blocks * cinG * TransposedTaps.Width;
        float[] packed = ArrayPool<float>.Shared.Rent(packedLength);
        int[] offsets = ArrayPool<int>.Shared.Rent(blocks * TransposedTaps.Width);
        try
        {
            Array.Clear(packed, 0, packedLength);
            Array.Clear(offsets, 0, blocks * TransposedTaps.Width);
            for (int tap = 0; tap < taps; tap++)
            {
                int co = tap / s.KW, kx = tap % s.KW;
                int q = Math.DivRem(kx * s.DW - s.PW, s.SW, out int phase);
                if (phase < 0) { phase += s.SW; q--; }
                offsets[tap] = (co * s.SW + phase) * rowLength + margin + q;
            }
            for (int g = 0; g < s.Groups; g++)
                for (int ky = 0; ky < s.KH; ky++)
                    for (int tap = 0; tap < taps; tap++)
                    {
                        int co = tap / s.KW, kx = tap % s.KW, b = tap / TransposedTaps.Width, t = tap % TransposedTaps.Width;
                        for (int ci = 0; ci < cinG; ci++)
                            packed[(((g * s.KH + ky) * blocks + b) * cinG + ci) * TransposedTaps.Width + t] =
                                wt[(((g * cinG + ci) * coutG + co) * s.KH + ky) * s.KW + kx];
                    }

            int rows = s.N * s.OutH;
            long workPerRow = (long)s.Cout * s.W * cinG * s.KW;
            var job = new Job(x, y, bias, packed, offsets, s, rowLength, margin, blocks, taps, level, settings.ScratchFloats);
            if (settings.Threads <= 1 || rows * workPerRow < Threads.MinWorkPerTask) job.Band(0, rows);
            else settings.For(rows, workPerRow, job, static (j, start, end) => j.Band(start, end));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
            ArrayPool<int>.Shared.Return(offsets);
        }
    }

    private readonly struct Job(float[] x, float[] y, float[]? bias, float[] packed, int[] offsets, ConvTranspose2dShape s,
        int rowLength, int margin, int blocks, int taps, SimdLevel level, long keepScratch)
    {
        public readonly void Band(int start, int end)
        {
            int cinG = s.CinPerGroup, coutG = s.CoutPerGroup, phaseRows = coutG * s.SW;
            using var lease = PinnedScratch.Rent(PinnedScratch.FloatsFor<float>(phaseRows * rowLength), keepScratch);
            Span<float> rows = lease.Carve().Take<float>(phaseRows * rowLength);
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
                                packed.AsSpan(w0, cinG * TransposedTaps.Width), rows,
                                offsets.AsSpan(b * TransposedTaps.Width, TransposedTaps.Width),
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
