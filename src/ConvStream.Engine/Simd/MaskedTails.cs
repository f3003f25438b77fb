using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvStream.Engine.Simd;

// A row's last, partial vector as one masked vector (AVX's vmaskmovps, AVX-512's masked moves),
// and horizontal sums: for loops over short rows, where a ladder of narrower widths and single
// lanes costs more than the row (the backward pass's 67-float rows). Masked-off lanes read as 0
// and are never written; the memory past the row is not touched (the masked moves suppress faults).

internal unsafe partial interface ISimdOps<TVec>
{
    /// <summary>The first <paramref name="count"/> (0 &lt; count &lt; <see cref="Count"/>) floats at p; the other lanes 0.</summary>
    static abstract TVec LoadFirst(float* p, int count);
    /// <summary>Stores the first <paramref name="count"/> (0 &lt; count &lt; <see cref="Count"/>) lanes of v at p.</summary>
    static abstract void StoreFirst(float* p, TVec v, int count);
    /// <summary>The sum of the lanes (in the order <c>Vector*.Sum</c> takes).</summary>
    static abstract float Sum(TVec v);
}

internal unsafe partial struct ScalarOps
{
    // One lane: a partial vector is empty, so these run only for count 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadFirst(float* p, int count) => 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreFirst(float* p, float v, int count) { }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(float v) => v;
}

internal unsafe partial struct V128Ops
{
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
}

internal unsafe partial struct V256Ops
{
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
}

internal unsafe partial struct V512Ops
{
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
}
