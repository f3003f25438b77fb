using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Filters.Temporal;

/// <summary>
/// The row kernels of the temporal stages, on 8-bit samples of consecutive frames. The float ones
/// (<see cref="Mix"/>, <see cref="Accumulate"/>) are <see cref="IRowKernel"/>s over ISimdOps, the
/// byte ones (<see cref="AbsDiff"/>, <see cref="SignedDiff"/>) <see cref="IByteRowKernel"/>s over
/// IByteOps. Each has a scalar loop that is the specification (the float ones: their one-lane instantiation);
/// every path computes the same operations in the same order on each sample, so they agree to the bit.
/// </summary>
public static unsafe class TemporalRows
{
    /// <summary>
    /// <c>dst[x] = saturate(round_half_even(Σ_i w[i]·rows[i][x]))</c>, accumulated in float in the
    /// order i = 0, 1, …: the weights are already divided by the scale.
    /// </summary>
    public static void Mix(byte** rows, float* weights, int count, byte* dst, int length, SimdLevel level)
        => RowLadder.Run(new MixKernel(rows, weights, count, dst), length, level);

    /// <summary>Four vectors of samples (one load of bytes each) per step, packed into one store.</summary>
    private readonly struct MixKernel(byte** rows, float* weights, int count, byte* dst) : IRowKernel
    {
        public static int Unroll => 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            if (TOps.Count == 1)
            {
                float acc = 0;
                for (int i = 0; i < count; i++) acc += weights[i] * rows[i][x];
                dst[x] = FrameConvertRows.SaturateU8(acc);
                return;
            }
            int n = TOps.Count;
            TVec a0 = default, a1 = default, a2 = default, a3 = default;
            for (int i = 0; i < count; i++)
            {
                TVec w = TOps.Broadcast(weights[i]);
                byte* p = rows[i] + x;
                a0 = TOps.Add(a0, TOps.Multiply(w, TOps.LoadWidening(p)));
                a1 = TOps.Add(a1, TOps.Multiply(w, TOps.LoadWidening(p + n)));
                a2 = TOps.Add(a2, TOps.Multiply(w, TOps.LoadWidening(p + 2 * n)));
                a3 = TOps.Add(a3, TOps.Multiply(w, TOps.LoadWidening(p + 3 * n)));
            }
            TVec lo = TOps.Broadcast(0f), hi = TOps.Broadcast(255f);
            TOps.StoreNarrowing(dst + x, FrameConvertRows.Saturate<TVec, TOps>(a0, lo, hi), FrameConvertRows.Saturate<TVec, TOps>(a1, lo, hi),
                FrameConvertRows.Saturate<TVec, TOps>(a2, lo, hi), FrameConvertRows.Saturate<TVec, TOps>(a3, lo, hi));
        }
    }

    /// <summary><c>dst[x] = |a[x] − b[x]|</c>, or 255 where that exceeds <paramref name="threshold"/> and 0 elsewhere when it is ≥ 0.</summary>
    [MethodImpl(Hot)]
    public static void AbsDiff(byte* a, byte* b, byte* dst, int length, int threshold, SimdLevel level)
        => ByteLadder.Run(new AbsDiffKernel(a, b, dst, threshold), length, level);

    private readonly struct AbsDiffKernel(byte* a, byte* b, byte* dst, int threshold) : IByteRowKernel
    {
        private readonly bool _mask = threshold >= 0;
        private readonly byte _limit = (byte)Math.Clamp(threshold, 0, 255);

        public int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count;
        public int Reach<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            TVec limit = TOps.Broadcast(_limit);   // outside the condition, so that it is hoisted out of the loop
            TVec va = TOps.Load(a + x), vb = TOps.Load(b + x);
            TVec d = TOps.Subtract(TOps.Max(va, vb), TOps.Min(va, vb));
            TOps.Store(dst + x, _mask ? TOps.GreaterThan(d, limit) : d);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Scalar(int x, int n)
        {
            for (; x < n; x++)
            {
                int d = Math.Abs(a[x] - b[x]);
                dst[x] = _mask ? (byte)(d > threshold ? 255 : 0) : (byte)d;
            }
        }
    }

    /// <summary><c>dst[x] = a[x] − b[x]</c> as signed 16-bit (−255..255, never saturates).</summary>
    [MethodImpl(Hot)]
    public static void SignedDiff(byte* a, byte* b, short* dst, int length, SimdLevel level)
        => ByteLadder.Run(new SignedDiffKernel(a, b, dst), length, level);

    private readonly struct SignedDiffKernel(byte* a, byte* b, short* dst) : IByteRowKernel
    {
        public int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count;
        public int Reach<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count;

        /// <summary>Both rows widened to words; the difference of two values in 0..255 fits a signed word.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            var (al, ah) = TOps.Widen(TOps.Load(a + x));
            var (bl, bh) = TOps.Widen(TOps.Load(b + x));
            TOps.Store((byte*)(dst + x), TOps.SubtractWords(al, bl));
            TOps.Store((byte*)(dst + x + TOps.Count / 2), TOps.SubtractWords(ah, bh));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Scalar(int x, int n)
        {
            for (; x < n; x++) dst[x] = (short)(a[x] - b[x]);
        }
    }

    /// <summary>
    /// The exponential moving average, in float, as written: <c>bg[x] = bg[x] + alpha·(frame[x] − bg[x])</c>
    /// (a subtraction, a multiplication and an addition, each rounded to float: no fused multiply-add,
    /// so NumPy's float32 arithmetic gives the same bits).
    /// </summary>
    public static void Accumulate(byte* frame, float* bg, float alpha, int length, SimdLevel level)
        => RowLadder.Run(new AccumulateKernel(frame, bg, alpha), length, level);

    private readonly struct AccumulateKernel(byte* frame, float* bg, float alpha) : IRowKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            TVec b = TOps.Load(bg + x);
            TOps.Store(bg + x, TOps.Add(b, TOps.Multiply(TOps.Broadcast(alpha), TOps.Subtract(TOps.LoadWidening(frame + x), b))));
        }
    }

    /// <summary>
    /// The foreground mask of one row of <paramref name="width"/> pixels of <paramref name="channels"/>
    /// channels: 255 where any channel differs from the background by more than
    /// <paramref name="threshold"/> (<c>|frame − bg| &gt; T</c> in float), 0 elsewhere. Scalar: the
    /// channel loop per pixel does not vectorise well for 3 channels and the row is cheap next to
    /// the decode (one compare per sample).
    /// </summary>
    [MethodImpl(Hot)]
    public static void Foreground(byte* frame, float* bg, byte* mask, int width, int channels, float threshold)
    {
        for (int x = 0, i = 0; x < width; x++)
        {
            bool moving = false;
            for (int c = 0; c < channels; c++, i++) moving |= MathF.Abs(frame[i] - bg[i]) > threshold;
            mask[x] = moving ? (byte)255 : (byte)0;
        }
    }
}
