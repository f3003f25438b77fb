using ConvStream.Engine.Geometry;
using ConvStream.Engine.Memory;
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
internal static unsafe class BackwardKernel
{
    public static Conv2dGradients Run(Tensor input, Tensor weight, Tensor? bias, Tensor gradOutput, Conv2dOptions o, ExecutionSettings settings)
    {
        var s = Conv2dShape.Resolve(input, weight, bias, o);
        Conv2dBackward.CheckGradOutput(s, input.Rank, gradOutput);
        int hp = s.H + s.PadTop + s.PadBottom, wp = s.W + s.PadLeft + s.PadRight;
        int paddedLength = s.N * s.Cin * hp * wp;
        // The index maps, the padded input and (with ReLU) the masked gradient: one lease on this
        // thread's scratch, read by every band (the bands' own planes are leases on their threads').
        using var lease = ScratchArena.Rent(ScratchArena.FloatsFor<int>(hp) + ScratchArena.FloatsFor<int>(wp)
            + ScratchArena.FloatsFor<float>(paddedLength) + (o.Relu ? ScratchArena.FloatsFor<float>(gradOutput.Length) : 0), settings.ScratchFloats);
        var carve = lease.Carve();
        Span<int> rowMap = carve.Take<int>(hp), colMap = carve.Take<int>(wp);
        Span<float> padded = carve.Take<float>(paddedLength);
        for (int py = 0; py < hp; py++) rowMap[py] = BorderModes.Map(py - s.PadTop, s.H, o.Border);
        for (int px = 0; px < wp; px++) colMap[px] = BorderModes.Map(px - s.PadLeft, s.W, o.Border);
        if (o.Relu)
        {
            // relu'(y) = [y > 0] on the forward output (bias included): NaN and 0 pass no gradient, as PyTorch.
            var forward = Conv2d.Forward(input, weight, bias, o with { Relu = false }, settings);
            var masked = carve.Take<float>(gradOutput.Length);
            float[] grad = gradOutput.Data;
            for (int i = 0; i < gradOutput.Length; i++) masked[i] = forward.Data[i] > 0 ? grad[i] : 0f;
            return Passes(masked, padded, rowMap, colMap, input, weight, s, o, hp, wp, settings);
        }
        return Passes(gradOutput.Data, padded, rowMap, colMap, input, weight, s, o, hp, wp, settings);
    }

    /// <summary>Pads the input, then runs the bias, weight and input gradients from <paramref name="gradient"/>.</summary>
    private static Conv2dGradients Passes(ReadOnlySpan<float> gradient, Span<float> padded, ReadOnlySpan<int> rowMap, ReadOnlySpan<int> colMap,
        Tensor input, Tensor weight, Conv2dShape s, Conv2dOptions o, int hp, int wp, ExecutionSettings settings)
    {
        var level = settings.Level;
        Pad(input.Data, padded, s, hp, wp, rowMap, colMap);

        var gradBias = new float[s.Cout];
        int outPlane = s.OutH * s.OutW;
        for (int co = 0; co < s.Cout; co++)
        {
            double sum = 0;
            for (int n = 0; n < s.N; n++)
                for (int oy = 0; oy < s.OutH; oy++)
                    sum += RowMath.Sum(gradient.Slice(((n * s.Cout + co) * s.OutH + oy) * s.OutW, s.OutW), level);
            gradBias[co] = (float)sum;
        }

        var gradWeight = new float[weight.Length];
        var gradInput = new float[input.Length];
        fixed (float* g = gradient)
        fixed (float* p = padded)
        fixed (int* rows = rowMap)
        fixed (int* cols = colMap)
        {
            var pass = new Pass(g, gradient.Length, p, padded.Length, weight.Data, gradWeight, gradInput, s, o.Flip, hp, wp, rows, cols, level, settings.ScratchFloats);
            long weightWork = (long)s.N * outPlane * s.CinPerGroup * s.KH * s.KW;
            settings.For(s.Cout, weightWork, pass,
                static (p, start, end) => GradWeight(p.Gradient, p.Padded, p.GradWeight, p.S, p.Flip, p.Hp, p.Wp, p.Level, start, end));
            long inputWork = (long)s.CoutPerGroup * outPlane * s.KH * s.KW;
            settings.For(s.N * s.Cin, inputWork, pass,
                static (p, start, end) => GradInput(p.Gradient, p.Weight, p.GradInput, p.S, p.Flip, p.Hp, p.Wp, p.RowMap, p.ColMap, p.Level, p.KeepScratch, start, end));
        }

        return new Conv2dGradients(
            new Tensor(gradInput, input.Shape.ToArray()),
            new Tensor(gradWeight, weight.Shape.ToArray()),
            new Tensor(gradBias, s.Cout));
    }

    /// <summary>What both passes read and write, handed to the row bands as state (no closure per call); the pointers are the caller's lease, held until both passes end.</summary>
    private readonly struct Pass(float* g, int gLength, float* padded, int paddedLength, float[] weight, float[] gradWeight, float[] gradInput,
        Conv2dShape s, bool flip, int hp, int wp, int* rowMap, int* colMap, SimdLevel level, long keepScratch)
    {
        public ReadOnlySpan<float> Gradient => new(g, gLength);
        public ReadOnlySpan<float> Padded => new(padded, paddedLength);
        public ReadOnlySpan<int> RowMap => new(rowMap, hp);
        public ReadOnlySpan<int> ColMap => new(colMap, wp);
        public float[] Weight => weight;
        public float[] GradWeight => gradWeight;
        public float[] GradInput => gradInput;
        public Conv2dShape S => s;
        public bool Flip => flip;
        public int Hp => hp;
        public int Wp => wp;
        public SimdLevel Level => level;
        public long KeepScratch => keepScratch;
    }

    /// <summary>Copies every input plane into a (hp, wp) plane whose border samples follow the border mode.</summary>
    private static void Pad(float[] x, Span<float> padded, Conv2dShape s, int hp, int wp, ReadOnlySpan<int> rowMap, ReadOnlySpan<int> colMap)
    {
        for (int plane = 0; plane < s.N * s.Cin; plane++)
            for (int py = 0; py < hp; py++)
            {
                var dst = padded.Slice((plane * hp + py) * wp, wp);
                int iy = rowMap[py];
                if (iy < 0) { dst.Clear(); continue; }
                var src = x.AsSpan((plane * s.H + iy) * s.W, s.W);
                src.CopyTo(dst.Slice(s.PadLeft, s.W));
                for (int px = 0; px < s.PadLeft; px++) dst[px] = colMap[px] < 0 ? 0f : src[colMap[px]];
                for (int px = s.PadLeft + s.W; px < wp; px++) dst[px] = colMap[px] < 0 ? 0f : src[colMap[px]];
            }
    }

    private static void GradWeight(ReadOnlySpan<float> g, ReadOnlySpan<float> padded, float[] gradWeight, Conv2dShape s, bool flip, int hp, int wp,
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
                                var gRow = g.Slice(((n * s.Cout + co) * s.OutH + oy) * s.OutW, s.OutW);
                                int at = (planeBase + oy * s.StrideH + ky * s.DilationH) * wp + kx * s.DilationW;
                                var xRow = padded.Slice(at, (s.OutW - 1) * s.StrideW + 1);
                                sum += RowMath.Dot(gRow, xRow, s.StrideW, level);
                            }
                        }
                        int wky = flip ? s.KH - 1 - ky : ky, wkx = flip ? s.KW - 1 - kx : kx;
                        gradWeight[((co * cinG + ci) * s.KH + wky) * s.KW + wkx] = (float)sum;
                    }
        }
    }

    private static void GradInput(ReadOnlySpan<float> g, float[] wt, float[] gradInput, Conv2dShape s, bool flip, int hp, int wp,
        ReadOnlySpan<int> rowMap, ReadOnlySpan<int> colMap, SimdLevel level, long keepScratch, int start, int end)
    {
        int cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        using var plane = ScratchArena.Rent(hp * wp, keepScratch);
        var gp = plane.Floats(hp * wp);
        for (int p = start; p < end; p++)
        {
            int n = p / s.Cin, c = p - n * s.Cin, grp = c / cinG, ci = c - grp * cinG;
            gp.Clear();
            for (int co = grp * coutG; co < (grp + 1) * coutG; co++)
                for (int oy = 0; oy < s.OutH; oy++)
                {
                    var gRow = g.Slice(((n * s.Cout + co) * s.OutH + oy) * s.OutW, s.OutW);
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
}
