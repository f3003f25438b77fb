using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// How one input row is laid out once its horizontal border is resolved, so that no inner loop
/// ever branches on borders. The padded row (PadLeft + W + PadRight samples, the border samples
/// given by the border mode) is split into <c>StrideW</c> phases: phase p holds padded samples
/// p, p+s, p+2s, … . Output column x at kernel column kx reads padded sample <c>x·s + kx·d</c>,
/// which is element <c>x + (kx·d)/s</c> of phase <c>(kx·d) mod s</c>: contiguous in x for every
/// stride, so strided convolutions vectorize like unstrided ones. With stride 1 and no horizontal
/// padding the input row itself is already this layout and is used in place (<see cref="InPlace"/>).
/// </summary>
internal readonly unsafe struct PaddedRowLayout
{
    public readonly int Width, PadLeft, PaddedWidth, StrideW, PhaseLength;
    public readonly BorderMode Border;

    public PaddedRowLayout(int width, int padLeft, int padRight, int strideW, BorderMode border)
    {
        Width = width; PadLeft = padLeft; StrideW = strideW; Border = border;
        PaddedWidth = padLeft + width + padRight;
        PhaseLength = (PaddedWidth + strideW - 1) / strideW;
    }

    /// <summary>The input row is read where it lies: no copy.</summary>
    public bool InPlace => StrideW == 1 && PaddedWidth == Width;

    /// <summary>Floats one resolved row occupies, rounded up to 16 so that rows in a ring start 64-byte aligned.</summary>
    public int Length => (StrideW * PhaseLength + 15) & ~15;

    /// <summary>Where, from the row's start, output column 0 reads the sample at padded offset <paramref name="offset"/> (= kx·d).</summary>
    public nint TapOffset(int offset) => (nint)(offset % StrideW) * PhaseLength + offset / StrideW;

    /// <summary>
    /// Writes the resolved row of <paramref name="src"/> (one input row of <see cref="Width"/>
    /// samples, or null for a row that lies wholly in the zero border) into <paramref name="dst"/>.
    /// </summary>
    public void Fill(float* src, float* dst)
    {
        if (src == null)
        {
            new Span<float>(dst, Length).Clear();
            return;
        }
        if (StrideW == 1)
        {
            for (int px = 0; px < PadLeft; px++) dst[px] = Sample(src, px);
            new ReadOnlySpan<float>(src, Width).CopyTo(new Span<float>(dst + PadLeft, Width));
            for (int px = PadLeft + Width; px < PaddedWidth; px++) dst[px] = Sample(src, px);
            new Span<float>(dst + PaddedWidth, Length - PaddedWidth).Clear(); // alignment slack, never read
            return;
        }
        new Span<float>(dst + StrideW * PhaseLength, Length - StrideW * PhaseLength).Clear(); // alignment slack, never read
        if (StrideW == 2)
        {
            FillTwoPhases(src, dst);
            return;
        }
        for (int phase = 0; phase < StrideW; phase++)
        {
            float* d = dst + (nint)phase * PhaseLength;
            int px = phase;
            for (int i = 0; i < PhaseLength; i++, px += StrideW)
                d[i] = px < PaddedWidth ? Sample(src, px) : 0; // the slack past the row is never read
        }
    }

    /// <summary>
    /// Stride 2 (strided convolutions, and Winograd's tiles of two columns): the interior is split
    /// into even and odd samples with shuffles, only the border samples go through the border
    /// mode. The same values as the general loop; a 16-channel 1080p input's rows took about as
    /// long to resolve sample by sample as the Winograd arithmetic on them.
    /// </summary>
    private void FillTwoPhases(float* src, float* dst)
    {
        int end = PadLeft + Width, px = 0;
        for (; px < PadLeft; px++) Put(dst, px, Sample(src, px));
        if ((px & 1) != 0 && px < end) { Put(dst, px, src[px - PadLeft]); px++; }
        float* odd = dst + PhaseLength;
        if (Avx512F.IsSupported)
            for (; px + 32 <= end; px += 32)
            {
                float* s = src + (px - PadLeft);
                var a = Vector512.Load(s);
                var b = Vector512.Load(s + 16);
                V512Ops.EvensPermuted(a, b).Store(dst + px / 2);
                V512Ops.OddsPermuted(a, b).Store(odd + px / 2);
            }
        for (; px < end; px++) Put(dst, px, src[px - PadLeft]);
        for (; px < PaddedWidth; px++) Put(dst, px, Sample(src, px));
        for (; px < 2 * PhaseLength; px++) Put(dst, px, 0); // the slack past the row is never read
    }

    private void Put(float* dst, int px, float v) => dst[(px & 1) * PhaseLength + (px >> 1)] = v;

    private float Sample(float* src, int px)
    {
        int ix = BorderModes.Map(px - PadLeft, Width, Border);
        return ix < 0 ? 0 : src[ix];
    }
}
