using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// A vector of 16-bit lanes, as the separable filter's hot loops see it. The loops are written
/// once, generic over this interface; <see cref="Lanes512"/>, <see cref="Lanes256"/>,
/// <see cref="Lanes128"/> and the one-lane <see cref="Lanes1"/> implement it, and the JIT
/// specialises each loop per width. Arithmetic wraps modulo 2^16, which serves signed and unsigned
/// sums alike: a sum whose true value fits in 16 bits comes out exact whatever its partial sums did.
/// </summary>
internal interface ILanes16<TSelf> where TSelf : struct, ILanes16<TSelf>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }
    /// <summary><see cref="Count"/> bytes from <paramref name="p"/>, zero-extended.</summary>
    static abstract TSelf LoadBytes(ref byte p);
    static abstract TSelf Load(ref ushort p);
    static abstract void Store(TSelf v, ref ushort p);
    /// <summary>Stores the low byte of each lane (the caller guarantees lanes are ≤ 255).</summary>
    static abstract void StoreLowBytes(TSelf v, ref byte p);
    static abstract TSelf Splat(ushort x);
    static abstract TSelf Add(TSelf a, TSelf b);
    static abstract TSelf Subtract(TSelf a, TSelf b);
    static abstract TSelf Multiply(TSelf a, TSelf b);
    static abstract TSelf ShiftRight(TSelf a, [ConstantExpected] int n);
    static abstract TSelf And(TSelf a, TSelf b);
    /// <summary><c>(a·m) >> shift</c> per lane, the product taken in 32 bits (it must fit).</summary>
    static abstract TSelf MultiplyShift(TSelf a, uint m, [ConstantExpected] int shift);
}

internal struct Lanes512 : ILanes16<Lanes512>
{
    private Vector512<ushort> _v;
    private Lanes512(Vector512<ushort> v) => _v = v;
    public static int Count => Vector512<ushort>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 LoadBytes(ref byte p) => new(Vector512.WidenLower(Vector256.LoadUnsafe(ref p).ToVector512Unsafe()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(ref ushort p) => new(Vector512.LoadUnsafe(ref p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes512 v, ref ushort p) => v._v.StoreUnsafe(ref p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreLowBytes(Lanes512 v, ref byte p)
    {
        // One vpmovwb where AVX-512BW exists; the portable Narrow needs two and a shuffle.
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported) System.Runtime.Intrinsics.X86.Avx512BW.ConvertToVector256Byte(v._v).StoreUnsafe(ref p);
        else Vector512.Narrow(v._v, v._v).GetLower().StoreUnsafe(ref p);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Splat(ushort x) => new(Vector512.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Add(Lanes512 a, Lanes512 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Subtract(Lanes512 a, Lanes512 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Multiply(Lanes512 a, Lanes512 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 ShiftRight(Lanes512 a, [ConstantExpected] int n) => new(Vector512.ShiftRightLogical(a._v, n));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 And(Lanes512 a, Lanes512 b) => new(a._v & b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 MultiplyShift(Lanes512 a, uint m, [ConstantExpected] int shift)
    {
        var (lo, hi) = Vector512.Widen(a._v);
        var vm = Vector512.Create(m);
        return new(Vector512.Narrow(Vector512.ShiftRightLogical(lo * vm, shift), Vector512.ShiftRightLogical(hi * vm, shift)));
    }
}

internal struct Lanes256 : ILanes16<Lanes256>
{
    private Vector256<ushort> _v;
    private Lanes256(Vector256<ushort> v) => _v = v;
    public static int Count => Vector256<ushort>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 LoadBytes(ref byte p) => new(Vector256.WidenLower(Vector128.LoadUnsafe(ref p).ToVector256Unsafe()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(ref ushort p) => new(Vector256.LoadUnsafe(ref p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes256 v, ref ushort p) => v._v.StoreUnsafe(ref p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreLowBytes(Lanes256 v, ref byte p) => Vector256.Narrow(v._v, v._v).GetLower().StoreUnsafe(ref p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Splat(ushort x) => new(Vector256.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Add(Lanes256 a, Lanes256 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Subtract(Lanes256 a, Lanes256 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Multiply(Lanes256 a, Lanes256 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 ShiftRight(Lanes256 a, [ConstantExpected] int n) => new(Vector256.ShiftRightLogical(a._v, n));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 And(Lanes256 a, Lanes256 b) => new(a._v & b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 MultiplyShift(Lanes256 a, uint m, [ConstantExpected] int shift)
    {
        var (lo, hi) = Vector256.Widen(a._v);
        var vm = Vector256.Create(m);
        return new(Vector256.Narrow(Vector256.ShiftRightLogical(lo * vm, shift), Vector256.ShiftRightLogical(hi * vm, shift)));
    }
}

internal struct Lanes128 : ILanes16<Lanes128>
{
    private Vector128<ushort> _v;
    private Lanes128(Vector128<ushort> v) => _v = v;
    public static int Count => Vector128<ushort>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 LoadBytes(ref byte p) => new(Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref p)).AsByte()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Load(ref ushort p) => new(Vector128.LoadUnsafe(ref p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes128 v, ref ushort p) => v._v.StoreUnsafe(ref p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreLowBytes(Lanes128 v, ref byte p)
        => Unsafe.WriteUnaligned(ref p, Vector128.Narrow(v._v, v._v).AsUInt64().ToScalar());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Splat(ushort x) => new(Vector128.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Add(Lanes128 a, Lanes128 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Subtract(Lanes128 a, Lanes128 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Multiply(Lanes128 a, Lanes128 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 ShiftRight(Lanes128 a, [ConstantExpected] int n) => new(Vector128.ShiftRightLogical(a._v, n));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 And(Lanes128 a, Lanes128 b) => new(a._v & b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 MultiplyShift(Lanes128 a, uint m, [ConstantExpected] int shift)
    {
        var (lo, hi) = Vector128.Widen(a._v);
        var vm = Vector128.Create(m);
        return new(Vector128.Narrow(Vector128.ShiftRightLogical(lo * vm, shift), Vector128.ShiftRightLogical(hi * vm, shift)));
    }
}

/// <summary>One lane: the scalar path, running the very same loops as the vector widths.</summary>
internal struct Lanes1 : ILanes16<Lanes1>
{
    private ushort _v;
    private Lanes1(int v) => _v = (ushort)v;
    public static int Count => 1;
    public static Lanes1 LoadBytes(ref byte p) => new(p);
    public static Lanes1 Load(ref ushort p) => new(p);
    public static void Store(Lanes1 v, ref ushort p) => p = v._v;
    public static void StoreLowBytes(Lanes1 v, ref byte p) => p = (byte)v._v;
    public static Lanes1 Splat(ushort x) => new(x);
    public static Lanes1 Add(Lanes1 a, Lanes1 b) => new(a._v + b._v);
    public static Lanes1 Subtract(Lanes1 a, Lanes1 b) => new(a._v - b._v);
    public static Lanes1 Multiply(Lanes1 a, Lanes1 b) => new(a._v * b._v);
    public static Lanes1 ShiftRight(Lanes1 a, [ConstantExpected] int n) => new(a._v >> n);
    public static Lanes1 And(Lanes1 a, Lanes1 b) => new(a._v & b._v);
    public static Lanes1 MultiplyShift(Lanes1 a, uint m, [ConstantExpected] int shift) => new((int)((a._v * m) >> shift));
}
