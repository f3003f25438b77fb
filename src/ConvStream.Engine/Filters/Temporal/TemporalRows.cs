using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Filters.Temporal;

/// <summary>
/// The row kernels of the temporal stages, on 8-bit samples of consecutive frames. The float ones
/// (<see cref="Mix"/>, <see cref="Accumulate"/>) are <see cref="IRowKernel"/>s over ISimdOps; the
/// byte ones still have Vector512/256/128 paths. Each has a scalar loop that is the specification;
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
    {
        int x = 0;
        bool mask = threshold >= 0;
        byte t = (byte)Math.Clamp(threshold, 0, 255);
        if (level >= SimdLevel.V512 && Vector512.IsHardwareAccelerated)
        {
            var tv = Vector512.Create(t);
            for (; x + 64 <= length; x += 64)
            {
                var va = Vector512.Load(a + x); var vb = Vector512.Load(b + x);
                var d = Vector512.Max(va, vb) - Vector512.Min(va, vb);
                (mask ? Vector512.GreaterThan(d, tv) : d).Store(dst + x);
            }
        }
        if (level >= SimdLevel.V256 && Vector256.IsHardwareAccelerated)
        {
            var tv = Vector256.Create(t);
            for (; x + 32 <= length; x += 32)
            {
                var va = Vector256.Load(a + x); var vb = Vector256.Load(b + x);
                var d = Vector256.Max(va, vb) - Vector256.Min(va, vb);
                (mask ? Vector256.GreaterThan(d, tv) : d).Store(dst + x);
            }
        }
        if (level >= SimdLevel.V128 && Vector128.IsHardwareAccelerated)
        {
            var tv = Vector128.Create(t);
            for (; x + 16 <= length; x += 16)
            {
                var va = Vector128.Load(a + x); var vb = Vector128.Load(b + x);
                var d = Vector128.Max(va, vb) - Vector128.Min(va, vb);
                (mask ? Vector128.GreaterThan(d, tv) : d).Store(dst + x);
            }
        }
        for (; x < length; x++)
        {
            int d = Math.Abs(a[x] - b[x]);
            dst[x] = mask ? (byte)(d > threshold ? 255 : 0) : (byte)d;
        }
    }

    /// <summary><c>dst[x] = a[x] − b[x]</c> as signed 16-bit (−255..255, never saturates).</summary>
    [MethodImpl(Hot)]
    public static void SignedDiff(byte* a, byte* b, short* dst, int length, SimdLevel level)
    {
        int x = 0;
        if (level >= SimdLevel.V512 && Vector512.IsHardwareAccelerated)
            for (; x + 64 <= length; x += 64)
            {
                var (al, ah) = Vector512.Widen(Vector512.Load(a + x));
                var (bl, bh) = Vector512.Widen(Vector512.Load(b + x));
                (al.AsInt16() - bl.AsInt16()).Store(dst + x);
                (ah.AsInt16() - bh.AsInt16()).Store(dst + x + 32);
            }
        if (level >= SimdLevel.V256 && Vector256.IsHardwareAccelerated)
            for (; x + 32 <= length; x += 32)
            {
                var (al, ah) = Vector256.Widen(Vector256.Load(a + x));
                var (bl, bh) = Vector256.Widen(Vector256.Load(b + x));
                (al.AsInt16() - bl.AsInt16()).Store(dst + x);
                (ah.AsInt16() - bh.AsInt16()).Store(dst + x + 16);
            }
        if (level >= SimdLevel.V128 && Vector128.IsHardwareAccelerated)
            for (; x + 16 <= length; x += 16)
            {
                var (al, ah) = Vector128.Widen(Vector128.Load(a + x));
                var (bl, bh) = Vector128.Widen(Vector128.Load(b + x));
                (al.AsInt16() - bl.AsInt16()).Store(dst + x);
                (ah.AsInt16() - bh.AsInt16()).Store(dst + x + 8);
            }
        for (; x < length; x++) dst[x] = (short)(a[x] - b[x]);
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
