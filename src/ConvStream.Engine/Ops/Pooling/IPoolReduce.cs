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
    /// <summary>The same fold at every width (<see cref="RowLadder"/> kernels): the scalar lane is <see cref="Combine(float, float)"/>.</summary>
    static abstract TVec Combine<TVec, TOps>(TVec a, TVec b) where TVec : unmanaged where TOps : ISimdOps<TVec>;
}

/// <summary>Max with NaN propagating, as PyTorch's max_pool2d (<c>val &gt; max || isnan(val)</c>).</summary>
internal readonly struct MaxReduce : IPoolReduce
{
    public static float Identity => float.NegativeInfinity;
    public static float Combine(float a, float b) => a > b || float.IsNaN(a) ? a : b;
    // Vectors take IEEE maximum (Vector*.Max since .NET 9: NaN propagates, like the scalar rule);
    // the scalar lane keeps PyTorch's rule (which differs from IEEE maximum only for ±0). The
    // type test is a JIT-time constant and the casts are not boxes.
    public static TVec Combine<TVec, TOps>(TVec a, TVec b) where TVec : unmanaged where TOps : ISimdOps<TVec>
        => typeof(TVec) == typeof(float) ? (TVec)(object)Combine((float)(object)a, (float)(object)b) : TOps.Max(a, b);
}

/// <summary>Sum, for average pooling (the division comes after the window is folded).</summary>
internal readonly struct SumReduce : IPoolReduce
{
    public static float Identity => 0f;
    public static float Combine(float a, float b) => a + b;
    public static TVec Combine<TVec, TOps>(TVec a, TVec b) where TVec : unmanaged where TOps : ISimdOps<TVec> => TOps.Add(a, b);
}
