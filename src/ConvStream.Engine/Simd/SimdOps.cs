using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace ConvStream.Engine.Simd;

/// <summary>
/// The width abstraction of the engine's float kernels: the vector operations they need, as
/// static abstract members, so that a kernel written once as a generic over
/// (<typeparamref name="TVec"/>, ops) is compiled into a separate, fully inlined body per width
/// (TensorPrimitives' operator pattern). The scalar instantiation (<c>TVec = float</c>) is the same
/// kernel one lane wide; it also computes the tails narrower than one vector. <see cref="RowLadder"/>
/// runs such a kernel along a row at the widest allowed width, then each narrower one on what is left.
/// </summary>
internal unsafe interface ISimdOps<TVec> where TVec : unmanaged
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }
    static abstract TVec Load(float* p);
    static abstract void Store(float* p, TVec v);
    /// <summary>A non-temporal store to a vector-aligned address: the line goes to memory without being read first.</summary>
    static abstract void StoreStreaming(float* p, TVec v);
    static abstract TVec Broadcast(float v);
    /// <summary><c>a·b + c</c>, fused (one rounding) where the hardware has FMA, so every width rounds alike.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);
    /// <summary><c>v &lt; 0 ? 0 : v</c>: NaN and −0 pass through unchanged, as the reference's ReLU.</summary>
    static abstract TVec Relu(TVec v);
    /// <summary><c>a·b + c</c> with one rounding on every machine (emulated where there is no FMA), for kernels whose scalar specification is <see cref="MathF.FusedMultiplyAdd"/>.</summary>
    static abstract TVec FusedMultiplyAdd(TVec a, TVec b, TVec c);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Subtract(TVec a, TVec b);
    static abstract TVec Multiply(TVec a, TVec b);
    static abstract TVec Abs(TVec v);
    static abstract TVec Sqrt(TVec v);
    /// <summary>IEEE 754:2019 maximum (NaN propagates), as <c>Vector*.Max</c> since .NET 9.</summary>
    static abstract TVec Max(TVec a, TVec b);
    static abstract TVec Divide(TVec a, TVec b);
    static abstract TVec Min(TVec a, TVec b);
    /// <summary>Round half to even (the CPU's default rounding, as OpenCV's <c>cvRound</c>).</summary>
    static abstract TVec Round(TVec v);

    // Sample types at the edges of a float kernel: loads widen exactly, stores narrow values the
    // kernel has already rounded and clamped to the target's range (so truncation is exact).

    /// <summary><see cref="Count"/> bytes from <paramref name="p"/>, zero-extended, as floats.</summary>
    static abstract TVec LoadWidening(byte* p);
    /// <summary><see cref="Count"/> shorts from <paramref name="p"/>, sign-extended, as floats.</summary>
    static abstract TVec LoadWidening(short* p);
    /// <summary>4·<see cref="Count"/> integral floats in [0, 255] as bytes, a's first.</summary>
    static abstract void StoreNarrowing(byte* p, TVec a, TVec b, TVec c, TVec d);
    /// <summary>2·<see cref="Count"/> integral floats in [−32768, 32767] as shorts, a's first.</summary>
    static abstract void StoreNarrowing(short* p, TVec a, TVec b);

    // Stride-2 shuffles (x86 only: run a kernel that uses them at PairShuffles.Level(level)).
    // The samples a‖b (2·Count consecutive floats) split into evens and odds in a lane order of
    // the width's choosing; Unpermute restores the true order. Element-wise work commutes with the
    // permutation, so a fold of several such vectors needs one Unpermute at the end (AVX2's
    // in-lane shuffle saves a cross-lane permute per tap that way). One lane: a‖b is two samples.

    /// <summary>The even samples of a‖b, permuted (<see cref="Unpermute"/> orders them).</summary>
    static abstract TVec EvensPermuted(TVec a, TVec b);
    /// <summary>The odd samples of a‖b, permuted as <see cref="EvensPermuted"/>.</summary>
    static abstract TVec OddsPermuted(TVec a, TVec b);
    /// <summary>Undoes the permutation of <see cref="EvensPermuted"/> and <see cref="OddsPermuted"/>.</summary>
    static abstract TVec Unpermute(TVec v);
    /// <summary>Interleaves: Low = [e0 o0 e1 o1 …] of the first half of the lanes, High = of the second half.</summary>
    static abstract (TVec Low, TVec High) Zip(TVec even, TVec odd);

    // A row's last, partial vector as one masked vector (AVX's vmaskmovps, AVX-512's masked moves),
    // and horizontal sums: for loops over short rows, where a ladder of narrower widths and single
    // lanes costs more than the row (the backward pass's 67-float rows). Masked-off lanes read as 0
    // and are never written; the memory past the row is not touched (the masked moves suppress faults).
    /// <summary>The first <paramref name="count"/> (0 &lt; count &lt; <see cref="Count"/>) floats at p; the other lanes 0.</summary>
    static abstract TVec LoadFirst(float* p, int count);
    /// <summary>Stores the first <paramref name="count"/> (0 &lt; count &lt; <see cref="Count"/>) lanes of v at p.</summary>
    static abstract void StoreFirst(float* p, TVec v, int count);
    /// <summary>The sum of the lanes (in the order <c>Vector*.Sum</c> takes).</summary>
    static abstract float Sum(TVec v);

    // Stride-3 (de)interleave of BGR samples: the planar ↔ interleaved boundary of 3-channel frames.
    // Three consecutive vectors a‖b‖c hold Count pixels; the sample of channel ch of pixel j sits at
    // stream position 3j+ch, so in lane (3j+ch) mod Count of vector (3j+ch) / Count. Because Count
    // (a power of two) and 3 are coprime, for one channel those lanes are all different: blending
    // a, b and c by "lane mod 3" puts each of the channel's samples in its own lane (two blends), and
    // one constant permute puts them in pixel order (result[j] = blend[(3j+ch) mod Count]). Merging
    // is the inverse: one permute per plane, then two blends per output vector. Constant masks and
    // indices are built at the use site so the JIT folds them into the data section (see V512Ops).
    // Portable Vector*.Shuffle/ConditionalSelect: with constant indices they compile to one
    // vpermilps/vpermps and a blend on x86 (and tbl on Arm).
    /// <summary>The Count pixels of 3-channel samples a‖b‖c, split into their channels in pixel order.</summary>
    static abstract (TVec C0, TVec C1, TVec C2) Deinterleave3(TVec a, TVec b, TVec c);
    /// <summary>The inverse of <see cref="Deinterleave3"/>: Count pixels of three planes as the interleaved a‖b‖c.</summary>
    static abstract (TVec A, TVec B, TVec C) Interleave3(TVec c0, TVec c1, TVec c2);
}

/// <summary>Where the stride-2 shuffles of <see cref="ISimdOps{TVec}"/> run: x86; elsewhere kernels using them run one lane wide.</summary>
internal static class PairShuffles
{
    public static SimdLevel Level(SimdLevel level) => level switch
    {
        SimdLevel.V512 when Avx512F.IsSupported => level,
        SimdLevel.V256 when Avx2.IsSupported => level,
        SimdLevel.V128 when Sse.IsSupported => level,
        _ => SimdLevel.Scalar,
    };
}

/// <summary>Whether the CPU fuses multiply-add; read once, a JIT-time constant.</summary>
internal static class FusedMultiplyAddHardware
{
    public static bool IsHardware => Fma.IsSupported || AdvSimd.IsSupported;
}

internal unsafe struct ScalarOps : ISimdOps<float>
{
    public static int Count => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Load(float* p) => *p;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, float v) => *p = v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreStreaming(float* p, float v) => *p = v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Broadcast(float v) => v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => FusedMultiplyAddHardware.IsHardware ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Relu(float v) => v < 0 ? 0 : v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float FusedMultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Add(float a, float b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Subtract(float a, float b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Multiply(float a, float b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Abs(float v) => MathF.Abs(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sqrt(float v) => MathF.Sqrt(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Max(float a, float b) => MathF.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Divide(float a, float b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Min(float a, float b) => MathF.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Round(float v) => MathF.Round(v, MidpointRounding.ToEven);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWidening(byte* p) => *p;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWidening(short* p) => *p;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowing(byte* p, float a, float b, float c, float d) { p[0] = (byte)a; p[1] = (byte)b; p[2] = (byte)c; p[3] = (byte)d; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowing(short* p, float a, float b) { p[0] = (short)a; p[1] = (short)b; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float EvensPermuted(float a, float b) => a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float OddsPermuted(float a, float b) => b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Unpermute(float v) => v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static (float Low, float High) Zip(float even, float odd) => (even, odd);

    // One lane: a partial vector is empty, so these run only for count 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadFirst(float* p, int count) => 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreFirst(float* p, float v, int count) { }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(float v) => v;

    // One lane is one pixel: a, b, c are its three samples.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static (float C0, float C1, float C2) Deinterleave3(float a, float b, float c) => (a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static (float A, float B, float C) Interleave3(float c0, float c1, float c2) => (c0, c1, c2);
}

internal unsafe struct V128Ops : ISimdOps<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector128<float> v) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreStreaming(float* p, Vector128<float> v) => v.StoreAlignedNonTemporal(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float v) => Vector128.Create(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        => FusedMultiplyAddHardware.IsHardware ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Relu(Vector128<float> v)
        => Vector128.ConditionalSelect(Vector128.LessThan(v, Vector128<float>.Zero), Vector128<float>.Zero, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> FusedMultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Abs(Vector128<float> v) => Vector128.Abs(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Sqrt(Vector128<float> v) => Vector128.Sqrt(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Vector128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Round(Vector128<float> v) => Vector128.Round(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadWidening(byte* p)
        => Vector128.ConvertToSingle(Sse41.IsSupported ? Sse41.ConvertToVector128Int32(p)
            : Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(uint*)p).AsByte())).AsInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadWidening(short* p)
        => Vector128.ConvertToSingle(Sse41.IsSupported ? Sse41.ConvertToVector128Int32(p) : Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(ulong*)p).AsInt16()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowing(byte* p, Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
        => Vector128.Narrow(Vector128.Narrow(Vector128.ConvertToInt32(a), Vector128.ConvertToInt32(b)),
                            Vector128.Narrow(Vector128.ConvertToInt32(c), Vector128.ConvertToInt32(d))).AsByte().Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowing(short* p, Vector128<float> a, Vector128<float> b) => Vector128.Narrow(Vector128.ConvertToInt32(a), Vector128.ConvertToInt32(b)).Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> EvensPermuted(Vector128<float> a, Vector128<float> b) => Sse.Shuffle(a, b, 0b10_00_10_00);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> OddsPermuted(Vector128<float> a, Vector128<float> b) => Sse.Shuffle(a, b, 0b11_01_11_01);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Unpermute(Vector128<float> v) => v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<float> Low, Vector128<float> High) Zip(Vector128<float> even, Vector128<float> odd) => (Sse.UnpackLow(even, odd), Sse.UnpackHigh(even, odd));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Mask(int count) => Vector128.LessThan(Vector128.Create(0, 1, 2, 3), Vector128.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadFirst(float* p, int count)
    {
        if (Avx.IsSupported) return Avx.MaskLoad(p, Mask(count));
        var v = Vector128<float>.Zero;
        for (int i = 0; i < count; i++) v = v.WithElement(i, p[i]);
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(float* p, Vector128<float> v, int count)
    {
        if (Avx.IsSupported) { Avx.MaskStore(p, Mask(count), v); return; }
        for (int i = 0; i < count; i++) p[i] = v.GetElement(i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector128<float> v) => Vector128.Sum(v);

    // Lanes L with L mod 3 = 0, 1, 2; Count mod 3 = 1, so vector b's lane L holds channel (L + 1) mod 3.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<float> C0, Vector128<float> C1, Vector128<float> C2) Deinterleave3(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
        Vector128<float> m0 = Vector128.Create(-1, 0, 0, -1).AsSingle(), m1 = Vector128.Create(0, -1, 0, 0).AsSingle(), m2 = Vector128.Create(0, 0, -1, 0).AsSingle();
        return (Vector128.Shuffle(Vector128.ConditionalSelect(m0, a, Vector128.ConditionalSelect(m2, b, c)), Vector128.Create(0, 3, 2, 1)),
                Vector128.Shuffle(Vector128.ConditionalSelect(m1, a, Vector128.ConditionalSelect(m0, b, c)), Vector128.Create(1, 0, 3, 2)),
                Vector128.Shuffle(Vector128.ConditionalSelect(m2, a, Vector128.ConditionalSelect(m1, b, c)), Vector128.Create(2, 1, 0, 3)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<float> A, Vector128<float> B, Vector128<float> C) Interleave3(Vector128<float> c0, Vector128<float> c1, Vector128<float> c2)
    {
        Vector128<float> m0 = Vector128.Create(-1, 0, 0, -1).AsSingle(), m1 = Vector128.Create(0, -1, 0, 0).AsSingle();
        var u0 = Vector128.Shuffle(c0, Vector128.Create(0, 3, 2, 1));
        var u1 = Vector128.Shuffle(c1, Vector128.Create(1, 0, 3, 2));
        var u2 = Vector128.Shuffle(c2, Vector128.Create(2, 1, 0, 3));
        return (Vector128.ConditionalSelect(m0, u0, Vector128.ConditionalSelect(m1, u1, u2)),
                Vector128.ConditionalSelect(m0, u1, Vector128.ConditionalSelect(m1, u2, u0)),
                Vector128.ConditionalSelect(m0, u2, Vector128.ConditionalSelect(m1, u0, u1)));
    }
}

internal unsafe struct V256Ops : ISimdOps<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector256<float> v) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreStreaming(float* p, Vector256<float> v) => v.StoreAlignedNonTemporal(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float v) => Vector256.Create(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        => FusedMultiplyAddHardware.IsHardware ? Vector256.FusedMultiplyAdd(a, b, c) : a * b + c;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> v)
        => Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), Vector256<float>.Zero, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Abs(Vector256<float> v) => Vector256.Abs(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sqrt(Vector256<float> v) => Vector256.Sqrt(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Round(Vector256<float> v) => Vector256.Round(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadWidening(byte* p)
    {
        // One vpmovzxbd from memory where AVX2 exists; the portable widening takes five instructions.
        if (Avx2.IsSupported) return Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(p));
        var v = Vector128.CreateScalarUnsafe(*(ulong*)p).AsByte();
        var w = Vector128.WidenLower(v);
        return Vector256.Create(Vector128.ConvertToSingle(Vector128.WidenLower(w).AsInt32()), Vector128.ConvertToSingle(Vector128.WidenUpper(w).AsInt32()));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadWidening(short* p)
    {
        if (Avx2.IsSupported) return Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(p));
        var v = Vector128.Load(p);
        return Vector256.Create(Vector128.ConvertToSingle(Vector128.WidenLower(v)), Vector128.ConvertToSingle(Vector128.WidenUpper(v)));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowing(byte* p, Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
        => Vector256.Narrow(Vector256.Narrow(Vector256.ConvertToInt32(a), Vector256.ConvertToInt32(b)),
                            Vector256.Narrow(Vector256.ConvertToInt32(c), Vector256.ConvertToInt32(d))).AsByte().Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowing(short* p, Vector256<float> a, Vector256<float> b) => Vector256.Narrow(Vector256.ConvertToInt32(a), Vector256.ConvertToInt32(b)).Store(p);
    /// <summary>In-lane even samples: [a0 a2 b0 b2 | a4 a6 b4 b6].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> EvensPermuted(Vector256<float> a, Vector256<float> b) => Avx.Shuffle(a, b, 0b10_00_10_00);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> OddsPermuted(Vector256<float> a, Vector256<float> b) => Avx.Shuffle(a, b, 0b11_01_11_01);
    /// <summary>[a0 a2 b0 b2 | a4 a6 b4 b6] → [a0 a2 a4 a6 b0 b2 b4 b6] (64-bit lanes 0,2,1,3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Unpermute(Vector256<float> v) => Avx2.Permute4x64(v.AsDouble(), 0b11_01_10_00).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Low, Vector256<float> High) Zip(Vector256<float> even, Vector256<float> odd)
    {
        var lo = Avx.UnpackLow(even, odd);   // e0 o0 e1 o1 | e4 o4 e5 o5
        var hi = Avx.UnpackHigh(even, odd);  // e2 o2 e3 o3 | e6 o6 e7 o7
        return (Avx.Permute2x128(lo, hi, 0x20), Avx.Permute2x128(lo, hi, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Mask(int count) => Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadFirst(float* p, int count)
    {
        if (Avx.IsSupported) return Avx.MaskLoad(p, Mask(count));
        return count < 4 ? Vector256.Create(V128Ops.LoadFirst(p, count), Vector128<float>.Zero)
             : Vector256.Create(Vector128.Load(p), count == 4 ? Vector128<float>.Zero : V128Ops.LoadFirst(p + 4, count - 4));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(float* p, Vector256<float> v, int count)
    {
        if (Avx.IsSupported) { Avx.MaskStore(p, Mask(count), v); return; }
        if (count < 4) { V128Ops.StoreFirst(p, v.GetLower(), count); return; }
        v.GetLower().Store(p);
        if (count > 4) V128Ops.StoreFirst(p + 4, v.GetUpper(), count - 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> v) => Vector256.Sum(v);

    // Count mod 3 = 2: vector b's lane L holds channel (L + 2) mod 3.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> C0, Vector256<float> C1, Vector256<float> C2) Deinterleave3(Vector256<float> a, Vector256<float> b, Vector256<float> c)
    {
        Vector256<float> m0 = Vector256.Create(-1, 0, 0, -1, 0, 0, -1, 0).AsSingle(), m1 = Vector256.Create(0, -1, 0, 0, -1, 0, 0, -1).AsSingle(),
                         m2 = Vector256.Create(0, 0, -1, 0, 0, -1, 0, 0).AsSingle();
        return (Vector256.Shuffle(Vector256.ConditionalSelect(m0, a, Vector256.ConditionalSelect(m1, b, c)), Vector256.Create(0, 3, 6, 1, 4, 7, 2, 5)),
                Vector256.Shuffle(Vector256.ConditionalSelect(m1, a, Vector256.ConditionalSelect(m2, b, c)), Vector256.Create(1, 4, 7, 2, 5, 0, 3, 6)),
                Vector256.Shuffle(Vector256.ConditionalSelect(m2, a, Vector256.ConditionalSelect(m0, b, c)), Vector256.Create(2, 5, 0, 3, 6, 1, 4, 7)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> A, Vector256<float> B, Vector256<float> C) Interleave3(Vector256<float> c0, Vector256<float> c1, Vector256<float> c2)
    {
        Vector256<float> m0 = Vector256.Create(-1, 0, 0, -1, 0, 0, -1, 0).AsSingle(), m1 = Vector256.Create(0, -1, 0, 0, -1, 0, 0, -1).AsSingle();
        var u0 = Vector256.Shuffle(c0, Vector256.Create(0, 3, 6, 1, 4, 7, 2, 5));
        var u1 = Vector256.Shuffle(c1, Vector256.Create(5, 0, 3, 6, 1, 4, 7, 2));
        var u2 = Vector256.Shuffle(c2, Vector256.Create(2, 5, 0, 3, 6, 1, 4, 7));
        return (Vector256.ConditionalSelect(m0, u0, Vector256.ConditionalSelect(m1, u1, u2)),
                Vector256.ConditionalSelect(m0, u2, Vector256.ConditionalSelect(m1, u0, u1)),
                Vector256.ConditionalSelect(m0, u1, Vector256.ConditionalSelect(m1, u2, u0)));
    }
}

internal unsafe struct V512Ops : ISimdOps<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector512<float> v) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreStreaming(float* p, Vector512<float> v) => v.StoreAlignedNonTemporal(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float v) => Vector512.Create(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c)
        => FusedMultiplyAddHardware.IsHardware ? Vector512.FusedMultiplyAdd(a, b, c) : a * b + c;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> v)
        => Vector512.ConditionalSelect(Vector512.LessThan(v, Vector512<float>.Zero), Vector512<float>.Zero, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Abs(Vector512<float> v) => Vector512.Abs(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sqrt(Vector512<float> v) => Vector512.Sqrt(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Round(Vector512<float> v) => Vector512.Round(v);
    /// <summary>One vpmovzxbd (16 bytes straight to 16 int lanes) where AVX-512F exists.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadWidening(byte* p)
        => Avx512F.IsSupported ? Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(Vector128.Load(p)))
         : Vector512.Create(V256Ops.LoadWidening(p), V256Ops.LoadWidening(p + 8));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadWidening(short* p)
        => Avx512F.IsSupported ? Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(Vector256.Load(p)))
         : Vector512.Create(V256Ops.LoadWidening(p), V256Ops.LoadWidening(p + 8));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowing(byte* p, Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
        => Vector512.Narrow(Vector512.Narrow(Vector512.ConvertToInt32(a), Vector512.ConvertToInt32(b)),
                            Vector512.Narrow(Vector512.ConvertToInt32(c), Vector512.ConvertToInt32(d))).AsByte().Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowing(short* p, Vector512<float> a, Vector512<float> b) => Vector512.Narrow(Vector512.ConvertToInt32(a), Vector512.ConvertToInt32(b)).Store(p);
    // Index vectors are built where they are used, not kept in static readonly fields: the JIT
    // folds a constant Vector512.Create into the data section and hoists it, whereas a static field
    // put a class-initialization check (a possible call, so register spills) inside every loop.
    // Measured on a 2×2 max pool of 64×1920 floats in cache at V512: 13.7 µs per call with the
    // static fields, 6.4 µs with the constants.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> EvensPermuted(Vector512<float> a, Vector512<float> b) => Avx512F.PermuteVar16x32x2(a, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> OddsPermuted(Vector512<float> a, Vector512<float> b) => Avx512F.PermuteVar16x32x2(a, Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Unpermute(Vector512<float> v) => v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> Low, Vector512<float> High) Zip(Vector512<float> even, Vector512<float> odd)
        => (Avx512F.PermuteVar16x32x2(even, Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), odd),
            Avx512F.PermuteVar16x32x2(even, Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), odd));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Mask(int count)
        => Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadFirst(float* p, int count)
    {
        if (Avx512F.IsSupported) return Avx512F.MaskLoad(p, Mask(count), Vector512<float>.Zero);
        return count < 8 ? Vector512.Create(V256Ops.LoadFirst(p, count), Vector256<float>.Zero)
             : Vector512.Create(Vector256.Load(p), count == 8 ? Vector256<float>.Zero : V256Ops.LoadFirst(p + 8, count - 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(float* p, Vector512<float> v, int count)
    {
        if (Avx512F.IsSupported) { Avx512F.MaskStore(p, Mask(count), v); return; }
        if (count < 8) { V256Ops.StoreFirst(p, v.GetLower(), count); return; }
        v.GetLower().Store(p);
        if (count > 8) V256Ops.StoreFirst(p + 8, v.GetUpper(), count - 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector512<float> v) => Vector512.Sum(v);

    // Count mod 3 = 1, as V128Ops.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> C0, Vector512<float> C1, Vector512<float> C2) Deinterleave3(Vector512<float> a, Vector512<float> b, Vector512<float> c)
    {
        Vector512<float> m0 = Vector512.Create(-1, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1).AsSingle(),
                         m1 = Vector512.Create(0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0).AsSingle(),
                         m2 = Vector512.Create(0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0).AsSingle();
        return (Vector512.Shuffle(Vector512.ConditionalSelect(m0, a, Vector512.ConditionalSelect(m2, b, c)), Vector512.Create(0, 3, 6, 9, 12, 15, 2, 5, 8, 11, 14, 1, 4, 7, 10, 13)),
                Vector512.Shuffle(Vector512.ConditionalSelect(m1, a, Vector512.ConditionalSelect(m0, b, c)), Vector512.Create(1, 4, 7, 10, 13, 0, 3, 6, 9, 12, 15, 2, 5, 8, 11, 14)),
                Vector512.Shuffle(Vector512.ConditionalSelect(m2, a, Vector512.ConditionalSelect(m1, b, c)), Vector512.Create(2, 5, 8, 11, 14, 1, 4, 7, 10, 13, 0, 3, 6, 9, 12, 15)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> A, Vector512<float> B, Vector512<float> C) Interleave3(Vector512<float> c0, Vector512<float> c1, Vector512<float> c2)
    {
        Vector512<float> m0 = Vector512.Create(-1, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1).AsSingle(),
                         m1 = Vector512.Create(0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0).AsSingle();
        var u0 = Vector512.Shuffle(c0, Vector512.Create(0, 11, 6, 1, 12, 7, 2, 13, 8, 3, 14, 9, 4, 15, 10, 5));
        var u1 = Vector512.Shuffle(c1, Vector512.Create(5, 0, 11, 6, 1, 12, 7, 2, 13, 8, 3, 14, 9, 4, 15, 10));
        var u2 = Vector512.Shuffle(c2, Vector512.Create(10, 5, 0, 11, 6, 1, 12, 7, 2, 13, 8, 3, 14, 9, 4, 15));
        return (Vector512.ConditionalSelect(m0, u0, Vector512.ConditionalSelect(m1, u1, u2)),
                Vector512.ConditionalSelect(m0, u1, Vector512.ConditionalSelect(m1, u2, u0)),
                Vector512.ConditionalSelect(m0, u2, Vector512.ConditionalSelect(m1, u0, u1)));
    }
}
