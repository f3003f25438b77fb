using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvStream.Engine.Simd;

/// <summary>
/// The double-precision lanes of the width abstraction, for the one double kernel (the fit's Gram
/// rows, <see cref="Fitting.GramRows"/>), in the same shape as <see cref="ISimdOps{TVec}"/>: one
/// struct per width, a kernel written once as a generic over (<typeparamref name="TVec"/>, ops),
/// compiled into one inlined loop per width, with a one-lane scalar instantiation. Only the
/// operations that kernel needs.
/// </summary>
internal interface IDoubleOps<TVec> where TVec : unmanaged
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }
    static abstract TVec Zero { get; }
    static abstract TVec Load(ref double p, nuint index);
    /// <summary>a·b + c: fused in the vector widths, a multiply then an add in the scalar one (as the scalar reference).</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);
    static abstract double Sum(TVec v);
}

internal struct ScalarDoubles : IDoubleOps<double>
{
    public static int Count => 1;
    public static double Zero => 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Load(ref double p, nuint index) => Unsafe.Add(ref p, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double MultiplyAdd(double a, double b, double c) => c + a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(double v) => v;
}

internal struct V128Doubles : IDoubleOps<Vector128<double>>
{
    public static int Count => Vector128<double>.Count;
    public static Vector128<double> Zero => Vector128<double>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Load(ref double p, nuint index) => Vector128.LoadUnsafe(ref p, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> MultiplyAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) => Vector128.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(Vector128<double> v) => Vector128.Sum(v);
}

internal struct V256Doubles : IDoubleOps<Vector256<double>>
{
    public static int Count => Vector256<double>.Count;
    public static Vector256<double> Zero => Vector256<double>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Load(ref double p, nuint index) => Vector256.LoadUnsafe(ref p, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(Vector256<double> v) => Vector256.Sum(v);
}

internal struct V512Doubles : IDoubleOps<Vector512<double>>
{
    public static int Count => Vector512<double>.Count;
    public static Vector512<double> Zero => Vector512<double>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Load(ref double p, nuint index) => Vector512.LoadUnsafe(ref p, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(Vector512<double> v) => Vector512.Sum(v);
}
