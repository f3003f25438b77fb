using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Filters.Temporal;

/// <summary>
/// The row kernels of the temporal stages, on 8-bit samples of consecutive frames. Each has
/// Vector512/256/128 paths and a scalar loop that is the specification; every path computes the
/// same operations in the same order on each sample, so they agree to the bit.
/// </summary>
public static unsafe class TemporalRows
{
    /// <summary>
    /// <c>dst[x] = saturate(round_half_even(Σ_i w[i]·rows[i][x]))</c>, accumulated in float in the
    /// order i = 0, 1, …: the weights are already divided by the scale.
    /// </summary>
    [MethodImpl(Hot)]
    public static void Mix(byte** rows, float* weights, int count, byte* dst, int length, SimdLevel level)
    {
        int x = 0;
        if (level >= SimdLevel.V512 && Vector512.IsHardwareAccelerated)
        {
            var lo = Vector512<float>.Zero; var hi = Vector512.Create(255f);
            for (; x + 64 <= length; x += 64)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int i = 0; i < count; i++)
                {
                    var w = Vector512.Create(weights[i]);
                    var v = Vector512.Load(rows[i] + x);
                    var (l, h) = Vector512.Widen(v);
                    var (q0, q1) = Vector512.Widen(l);
                    var (q2, q3) = Vector512.Widen(h);
                    a0 += w * Vector512.ConvertToSingle(q0.AsInt32());
                    a1 += w * Vector512.ConvertToSingle(q1.AsInt32());
                    a2 += w * Vector512.ConvertToSingle(q2.AsInt32());
                    a3 += w * Vector512.ConvertToSingle(q3.AsInt32());
                }
                Vector512.Narrow(
                    Vector512.Narrow(FrameConvertRows.Round512(a0, lo, hi), FrameConvertRows.Round512(a1, lo, hi)),
                    Vector512.Narrow(FrameConvertRows.Round512(a2, lo, hi), FrameConvertRows.Round512(a3, lo, hi))).AsByte().Store(dst + x);
            }
        }
        if (level >= SimdLevel.V256 && Vector256.IsHardwareAccelerated)
        {
            var lo = Vector256<float>.Zero; var hi = Vector256.Create(255f);
            for (; x + 32 <= length; x += 32)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int i = 0; i < count; i++)
                {
                    var w = Vector256.Create(weights[i]);
                    var v = Vector256.Load(rows[i] + x);
                    var (l, h) = Vector256.Widen(v);
                    var (q0, q1) = Vector256.Widen(l);
                    var (q2, q3) = Vector256.Widen(h);
                    a0 += w * Vector256.ConvertToSingle(q0.AsInt32());
                    a1 += w * Vector256.ConvertToSingle(q1.AsInt32());
                    a2 += w * Vector256.ConvertToSingle(q2.AsInt32());
                    a3 += w * Vector256.ConvertToSingle(q3.AsInt32());
                }
                Vector256.Narrow(
                    Vector256.Narrow(FrameConvertRows.Round256(a0, lo, hi), FrameConvertRows.Round256(a1, lo, hi)),
                    Vector256.Narrow(FrameConvertRows.Round256(a2, lo, hi), FrameConvertRows.Round256(a3, lo, hi))).AsByte().Store(dst + x);
            }
        }
        if (level >= SimdLevel.V128 && Vector128.IsHardwareAccelerated)
        {
            var lo = Vector128<float>.Zero; var hi = Vector128.Create(255f);
            for (; x + 16 <= length; x += 16)
            {
                Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int i = 0; i < count; i++)
                {
                    var w = Vector128.Create(weights[i]);
                    var v = Vector128.Load(rows[i] + x);
                    var (l, h) = Vector128.Widen(v);
                    var (q0, q1) = Vector128.Widen(l);
                    var (q2, q3) = Vector128.Widen(h);
                    a0 += w * Vector128.ConvertToSingle(q0.AsInt32());
                    a1 += w * Vector128.ConvertToSingle(q1.AsInt32());
                    a2 += w * Vector128.ConvertToSingle(q2.AsInt32());
                    a3 += w * Vector128.ConvertToSingle(q3.AsInt32());
                }
                Vector128.Narrow(
                    Vector128.Narrow(FrameConvertRows.Round128(a0, lo, hi), FrameConvertRows.Round128(a1, lo, hi)),
                    Vector128.Narrow(FrameConvertRows.Round128(a2, lo, hi), FrameConvertRows.Round128(a3, lo, hi))).AsByte().Store(dst + x);
            }
        }
        for (; x < length; x++)
        {
            float acc = 0;
            for (int i = 0; i < count; i++) acc += weights[i] * rows[i][x];
            dst[x] = FrameConvertRows.SaturateU8(acc);
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
    [MethodImpl(Hot)]
    public static void Accumulate(byte* frame, float* bg, float alpha, int length, SimdLevel level)
    {
        int x = 0;
        if (level >= SimdLevel.V512 && Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            for (; x + 16 <= length; x += 16)
            {
                var f = Vector512.ConvertToSingle(Vector512.WidenLower(Vector512.WidenLower(Vector128.Load(frame + x).ToVector256().ToVector512())).AsInt32());
                var b = Vector512.Load(bg + x);
                (b + a * (f - b)).Store(bg + x);
            }
        }
        if (level >= SimdLevel.V256 && Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; x + 8 <= length; x += 8)
            {
                var f = Vector256.ConvertToSingle(Vector256.WidenLower(Vector256.WidenLower(Vector128.CreateScalar(*(ulong*)(frame + x)).AsByte().ToVector256())).AsInt32());
                var b = Vector256.Load(bg + x);
                (b + a * (f - b)).Store(bg + x);
            }
        }
        if (level >= SimdLevel.V128 && Vector128.IsHardwareAccelerated)
        {
            var a = Vector128.Create(alpha);
            for (; x + 4 <= length; x += 4)
            {
                var f = Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(*(uint*)(frame + x)).AsByte())).AsInt32());
                var b = Vector128.Load(bg + x);
                (b + a * (f - b)).Store(bg + x);
            }
        }
        for (; x < length; x++)
        {
            float b = bg[x];
            bg[x] = b + alpha * (frame[x] - b);
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
