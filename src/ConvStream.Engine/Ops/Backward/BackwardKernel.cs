using System.Buffers;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops.Backward;

/// <summary>
/// conv2d's backward pass on a padded copy of the input, so no hot loop sees a border:
/// <list type="bullet">
/// <item>the input is padded once with the border mode (index maps per axis);</item>
/// <item>grad-weight: each weight is Σ over outputs of G · (padded input at the tap), row dot
/// products; threads over output channels;</item>
/// <item>grad-input: G is scattered through the kernel into a padded gradient plane (row AXPYs),
/// then the plane is folded back through the same index maps (a padded sample copied from input
/// position i sends its gradient to i); threads over input planes.</item>
/// </list>
/// </summary>
internal static class BackwardKernel
{
    public static Conv2dGradients Run(Tensor input, Tensor weight, Tensor? bias, Tensor gradOutput, Conv2dOptions o, ExecutionSettings settings)
    {
        var s = Conv2dShape.Resolve(input, weight, bias, o);
        Conv2dBackward.CheckGradOutput(s, input.Rank, gradOutput);
        var level = settings.Level;
        int hp = s.H + s.PadTop + s.PadBottom, wp = s.W + s.PadLeft + s.PadRight;
        int[] rowMap = ArrayPool<int>.Shared.Rent(hp), colMap = ArrayPool<int>.Shared.Rent(wp);
        float[] padded = ArrayPool<float>.Shared.Rent(s.N * s.Cin * hp * wp);
        float[]? masked = null;
        try
        {
            for (int py = 0; py < hp; py++) rowMap[py] = BorderModes.Map(py - s.PadTop, s.H, o.Border);
            for (int px = 0; px < wp; px++) colMap[px] = BorderModes.Map(px - s.PadLeft, s.W, o.Border);
            float[] g = gradOutput.Data;
            if (o.Relu)
            {
                // relu'(y) = [y > 0] on the forward output (bias included): NaN and 0 pass no gradient, as PyTorch.
                var forward = Conv2d.Forward(input, weight, bias, o with { Relu = false }, settings);
                masked = ArrayPool<float>.Shared.Rent(gradOutput.Length);
                for (int i = 0; i < gradOutput.Length; i++) masked[i] = forward.Data[i] > 0 ? g[i] : 0f;
                g = masked;
            }
            Pad(input.Data, padded, s, hp, wp, rowMap, colMap);

            var gradBias = new float[s.Cout];
            int outPlane = s.OutH * s.OutW;
            for (int co = 0; co < s.Cout; co++)
            {
                double sum = 0;
                for (int n = 0; n < s.N; n++)
                    for (int oy = 0; oy < s.OutH; oy++)
                        sum += RowMath.Sum(g.AsSpan(((n * s.Cout + co) * s.OutH + oy) * s.OutW, s.OutW), level);
                gradBias[co] = (float)sum;
            }

            var gradWeight = new float[weight.Length];
            var gradInput = new float[input.Length];
            var pass = new Pass(g, padded, weight.Data, gradWeight, gradInput, s, o.Flip, hp, wp, rowMap, colMap, level);
            long weightWork = (long)s.N * outPlane * s.CinPerGroup * s.KH * s.KW;
            settings.For(s.Cout, weightWork, pass,
                static (p, start, end) => GradWeight(p.G, p.Padded, p.GradWeight, p.S, p.Flip, p.Hp, p.Wp, p.Level, start, end));
            long inputWork = (long)s.CoutPerGroup * outPlane * s.KH * s.KW;
            settings.For(s.N * s.Cin, inputWork, pass,
                static (p, start, end) => GradInput(p.G, p.Weight, p.GradInput, p.S, p.Flip, p.Hp, p.Wp, p.RowMap, p.ColMap, p.Level, start, end));

            return new Conv2dGradients(
                new Tensor(gradInput, input.Shape.ToArray()),
                new Tensor(gradWeight, weight.Shape.ToArray()),
                new Tensor(gradBias, s.Cout));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rowMap);
            ArrayPool<int>.Shared.Return(colMap);
            ArrayPool<float>.Shared.Return(padded);
            if (masked is not null) ArrayPool<float>.Shared.Return(masked);
        }
    }

    /// <summary>What both passes read and write, handed to the row bands as state (no closure per call).</summary>
    private readonly record struct Pass(float[] G, float[] Padded, float[] Weight, float[] GradWeight, float[] GradInput, Conv2dShape S,
        bool Flip, int Hp, int Wp, int[] RowMap, int[] ColMap, SimdLevel Level);

    /// <summary>Copies every input plane into a (hp, wp) plane whose border samples follow the border mode.</summary>
    private static void Pad(float[] x, float[] padded, Conv2dShape s, int hp, int wp, int[] rowMap, int[] colMap)
    {
        for (int plane = 0; plane < s.N * s.Cin; plane++)
            for (int py = 0; py < hp; py++)
            {
                var dst = padded.AsSpan((plane * hp + py) * wp, wp);
                int iy = rowMap[py];
                if (iy < 0) { dst.Clear(); continue; }
                var src = x.AsSpan((plane * s.H + iy) * s.W, s.W);
                src.CopyTo(dst.Slice(s.PadLeft, s.W));
                for (int px = 0; px < s.PadLeft; px++) dst[px] = colMap[px] < 0 ? 0f : src[colMap[px]];
                for (int px = s.PadLeft + s.W; px < wp; px++) dst[px] = colMap[px] < 0 ? 0f : src[colMap[px]];
            }
    }

    private static void GradWeight(float[] g, float[] padded, float[] gradWeight, Conv2dShape s, bool flip, int hp, int wp,
        SimdLevel level, int start, int end)
    {
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        for (int co = start; co < end; co++)
        {
            int c0 = co / coutG * cinG;
            for (int ci = 0; ci < cinG; ci++)
                for (int ky = 0; ky < s.KH; ky++)
                    for (int kx = 0; kx < s.KW; kx++)
                    {
                        double sum = 0;
                        for (int n = 0; n < s.N; n++)
                        {
                            int planeBase = (n * s.Cin + c0 + ci) * hp;
                            for (int oy = 0; oy < s.OutH; oy++)
                            {
                                var gRow = g.AsSpan(((n * s.Cout + co) * s.OutH + oy) * s.OutW, s.OutW);
                                int at = (planeBase + oy * s.StrideH + ky * s.DilationH) * wp + kx * s.DilationW;
                                var xRow = padded.AsSpan(at, (s.OutW - 1) * s.StrideW + 1);
                                sum += RowMath.Dot(gRow, xRow, s.StrideW, level);
                            }
                        }
                        int wky = flip ? s.KH - 1 - ky : ky, wkx = flip ? s.KW - 1 - kx : kx;
                        gradWeight[((co * cinG + ci) * s.KH + wky) * s.KW + wkx] = (float)sum;
                    }
        }
    }

    private static void GradInput(float[] g, float[] wt, float[] gradInput, Conv2dShape s, bool flip, int hp, int wp,
        int[] rowMap, int[] colMap, SimdLevel level, int start, int end)
    {
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        float[] plane = ArrayPool<float>.Shared.Rent(hp * wp);
        try
        {
            for (int p = start; p < end; p++)
            {
                int n = p / s.Cin, c = p - n * s.Cin, grp = c / cinG, ci = c - grp * cinG;
                var gp = plane.AsSpan(0, hp * wp);
                gp.Clear();
                for (int co = grp * coutG; co < (grp + 1) * coutG; co++)
                    for (int oy = 0; oy < s.OutH; oy++)
                    {
                        var gRow = g.AsSpan(((n * s.Cout + co) * s.OutH + oy) * s.OutW, s.OutW);
                        for (int ky = 0; ky < s.KH; ky++)
                        {
                            int wky = flip ? s.KH - 1 - ky : ky;
                            int rowAt = (oy * s.StrideH + ky * s.DilationH) * wp;
                            for (int kx = 0; kx < s.KW; kx++)
                            {
                                int wkx = flip ? s.KW - 1 - kx : kx;
                                float w = wt[((co * cinG + ci) * s.KH + wky) * s.KW + wkx];
                                if (w == 0) continue;
                                RowMath.Axpy(w, gRow, gp.Slice(rowAt + kx * s.DilationW, (s.OutW - 1) * s.StrideW + 1), s.StrideW, level);
                            }
                        }
                    }
                // Fold the padded gradient back onto the input: the middle is a shifted add, the
                // border columns and rows go where the border mode took their values from.
                var gx = gradInput.AsSpan(p * s.H * s.W, s.H * s.W);
                for (int py = 0; py < hp; py++)
                {
                    int iy = rowMap[py];
                    if (iy < 0) continue;
                    var src = gp.Slice(py * wp, wp);
                    var dst = gx.Slice(iy * s.W, s.W);
                    RowMath.Add(src.Slice(s.PadLeft, s.W), dst, level);
                    for (int px = 0; px < s.PadLeft; px++) if (colMap[px] >= 0) dst[colMap[px]] += src[px];
                    for (int px = s.PadLeft + s.W; px < wp; px++) if (colMap[px] >= 0) dst[colMap[px]] += src[px];
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(plane);
        }
    }
}
