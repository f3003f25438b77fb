using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
    /// <summary>The width the stride-2 and stride-4 splits run at (the call's <see cref="ExecutionSettings.Level"/>).</summary>
    public readonly SimdLevel Level;

    /// <param name="minPhaseLength">
    /// At least this many samples per phase, the ones past the padded row zero: Winograd's last tile
    /// reads up to two columns past it, and those columns must be finite (they round into the tile).
    /// </param>
    public PaddedRowLayout(int width, int padLeft, int padRight, int strideW, BorderMode border, SimdLevel level, int minPhaseLength = 0)
    {
        Width = width; PadLeft = padLeft; StrideW = strideW; Border = border; Level = level;
        PaddedWidth = padLeft + width + padRight;
        PhaseLength = Math.Max((PaddedWidth + strideW - 1) / strideW, minPhaseLength);
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
        if (StrideW == 4)
        {
            FillFourPhases(src, dst);
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
        px = Level switch
        {
            >= SimdLevel.V512 => SplitTwo<Vector512<float>, V512Ops>(src, dst, px, end),
            SimdLevel.V256 => SplitTwo<Vector256<float>, V256Ops>(src, dst, px, end),
            SimdLevel.V128 => SplitTwo<Vector128<float>, V128Ops>(src, dst, px, end),
            _ => px,
        };
        FillRest(src, dst, px, end);
    }

    /// <summary>
    /// Stride 4 (Winograd F(4×4, 3×3)'s tiles of four columns): the interior split into four phases
    /// by splitting the even and the odd samples again, as <see cref="FillTwoPhases"/>.
    /// </summary>
    private void FillFourPhases(float* src, float* dst)
    {
        int end = PadLeft + Width, px = 0;
        for (; px < PadLeft; px++) Put(dst, px, Sample(src, px));
        for (; (px & 3) != 0 && px < end; px++) Put(dst, px, src[px - PadLeft]);
        px = Level switch
        {
            >= SimdLevel.V512 => SplitFour<Vector512<float>, V512Ops>(src, dst, px, end),
            SimdLevel.V256 => SplitFour<Vector256<float>, V256Ops>(src, dst, px, end),
            SimdLevel.V128 => SplitFour<Vector128<float>, V128Ops>(src, dst, px, end),
            _ => px,
        };
        FillRest(src, dst, px, end);
    }

    /// <summary>The interior from an even <paramref name="px"/>, whole vectors pairs at a time: evens into phase 0, odds into phase 1. Returns where it stopped.</summary>
    [MethodImpl(Inlining.Hot)]
    private int SplitTwo<TVec, TOps>(float* src, float* dst, int px, int end) where TVec : unmanaged where TOps : ISimdOps<TVec>
    {
        int n = TOps.Count;
        float* odd = dst + PhaseLength;
        for (; px + 2 * n <= end; px += 2 * n)
        {
            float* s = src + (px - PadLeft);
            TVec a = TOps.Load(s), b = TOps.Load(s + n);
            TOps.Store(dst + px / 2, Evens<TVec, TOps>(a, b));
            TOps.Store(odd + px / 2, Odds<TVec, TOps>(a, b));
        }
        return px;
    }

    /// <summary>The interior from a <paramref name="px"/> that is a multiple of 4, four vectors at a time into the four phases. Returns where it stopped.</summary>
    [MethodImpl(Inlining.Hot)]
    private int SplitFour<TVec, TOps>(float* src, float* dst, int px, int end) where TVec : unmanaged where TOps : ISimdOps<TVec>
    {
        int n = TOps.Count;
        for (; px + 4 * n <= end; px += 4 * n)
        {
            float* s = src + (px - PadLeft);
            TVec l0 = TOps.Load(s), l1 = TOps.Load(s + n), l2 = TOps.Load(s + 2 * n), l3 = TOps.Load(s + 3 * n);
            TVec even1 = Evens<TVec, TOps>(l0, l1), odd1 = Odds<TVec, TOps>(l0, l1);
            TVec even2 = Evens<TVec, TOps>(l2, l3), odd2 = Odds<TVec, TOps>(l2, l3);
            float* d = dst + px / 4;
            TOps.Store(d, Evens<TVec, TOps>(even1, even2));
            TOps.Store(d + PhaseLength, Evens<TVec, TOps>(odd1, odd2));
            TOps.Store(d + 2 * PhaseLength, Odds<TVec, TOps>(even1, even2));
            TOps.Store(d + 3 * PhaseLength, Odds<TVec, TOps>(odd1, odd2));
        }
        return px;
    }

    /// <summary>The even samples of a‖b in order (the abstraction's permuted evens, unpermuted: a no-op except at 256 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Evens<TVec, TOps>(TVec a, TVec b) where TVec : unmanaged where TOps : ISimdOps<TVec> => TOps.Unpermute(TOps.EvensPermuted(a, b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Odds<TVec, TOps>(TVec a, TVec b) where TVec : unmanaged where TOps : ISimdOps<TVec> => TOps.Unpermute(TOps.OddsPermuted(a, b));

    /// <summary>The samples from <paramref name="px"/> on, one by one: the rest of the interior, the right border, zeros to the end of every phase.</summary>
    private void FillRest(float* src, float* dst, int px, int end)
    {
        for (; px < end; px++) Put(dst, px, src[px - PadLeft]);
        for (; px < PaddedWidth; px++) Put(dst, px, Sample(src, px));
        for (; px < StrideW * PhaseLength; px++) Put(dst, px, 0); // past the row: read by no stored output, but rounded into Winograd's last tile
    }

    private void Put(float* dst, int px, float v)
        => dst[StrideW == 2 ? (px & 1) * PhaseLength + (px >> 1) : (px & 3) * PhaseLength + (px >> 2)] = v; // strides 2 and 4 only

    private float Sample(float* src, int px)
    {
        int ix = BorderModes.Map(px - PadLeft, Width, Border);
        return ix < 0 ? 0 : src[ix];
    }
}
