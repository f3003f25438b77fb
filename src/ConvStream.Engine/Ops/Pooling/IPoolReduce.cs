using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Pooling;

/// <summary>
/// How a pooling window folds its samples, at every vector width (TensorPrimitives' operator
/// pattern): the loops are written once in <see cref="PoolRows"/>, the operator is inlined.
/// </summary>
internal interface IPoolReduce
{
    /// <summary>The value of a padded sample: the operator's identity.</summary>
    static abstract float Identity { get; }
    static abstract float Combine(float a, float b);
    static abstract Vector128<float> Combine(Vector128<float> a, Vector128<float> b);
    static abstract Vector256<float> Combine(Vector256<float> a, Vector256<float> b);
    static abstract Vector512<float> Combine(Vector512<float> a, Vector512<float> b);
    /// <summary>The same fold over the width abstraction (<see cref="RowLadder"/> kernels): the scalar lane is <see cref="Combine(float, float)"/>.</summary>
    static abstract TVec Combine<TVec, TOps>(TVec a, TVec b) where TVec : unmanaged where TOps : ISimdOps<TVec>;
}

/// <summary>Max with NaN propagating, as PyTorch's max_pool2d (<c>val &gt; max || isnan(val)</c>).</summary>
internal readonly struct MaxReduce : IPoolReduce
{
    public static float Identity => float.NegativeInfinity;
    public static float Combine(float a, float b) => a > b || float.IsNaN(a) ? a : b;
    // Vector*.Max is IEEE 754:2019 maximum since .NET 9: NaN propagates, like the scalar rule.
    public static Vector128<float> Combine(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);
    public static Vector256<float> Combine(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    public static Vector512<float> Combine(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
    // The scalar lane keeps PyTorch's rule (which differs from IEEE maximum only for ±0); the
    // type test is a JIT-time constant and the casts are not boxes.
    public static TVec Combine<TVec, TOps>(TVec a, TVec b) where TVec : unmanaged where TOps : ISimdOps<TVec>
        => typeof(TVec) == typeof(float) ? (TVec)(object)Combine((float)(object)a, (float)(object)b) : TOps.Max(a, b);
}

/// <summary>Sum, for average pooling (the division comes after the window is folded).</summary>
internal readonly struct SumReduce : IPoolReduce
{
    public static float Identity => 0f;
    public static float Combine(float a, float b) => a + b;
    public static Vector128<float> Combine(Vector128<float> a, Vector128<float> b) => a + b;
    public static Vector256<float> Combine(Vector256<float> a, Vector256<float> b) => a + b;
    public static Vector512<float> Combine(Vector512<float> a, Vector512<float> b) => a + b;
    public static TVec Combine<TVec, TOps>(TVec a, TVec b) where TVec : unmanaged where TOps : ISimdOps<TVec> => TOps.Add(a, b);
}
