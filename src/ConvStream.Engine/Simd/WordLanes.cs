using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvStream.Engine.Simd;

// 16-bit integer lanes ("words") of the width abstraction, for the 8-bit filters' exact integer
// sums: the same registers as the float kernels', read as WordCount lanes of 16 bits (2·Count in a
// vector). The scalar instantiation keeps its one word in the low 16 bits of the float's bit
// pattern (a register move, never float arithmetic), so one kernel body still serves every width
// and its own one-lane specification. Arithmetic wraps modulo 2^16, which serves signed and
// unsigned sums alike: a sum whose true value fits 16 bits comes out exact whatever its partial
// sums did.

internal unsafe partial interface ISimdOps<TVec>
{
    /// <summary>16-bit lanes per vector: 2·<see cref="Count"/>, and 1 in the scalar instantiation.</summary>
    static abstract int WordCount { get; }
    static abstract TVec LoadWords(ushort* p);
    static abstract void StoreWords(ushort* p, TVec v);
    /// <summary><see cref="WordCount"/> bytes from <paramref name="p"/>, zero-extended to words.</summary>
    static abstract TVec LoadBytesAsWords(byte* p);
    /// <summary>Stores the low byte of each word (the caller guarantees every word is ≤ 255).</summary>
    static abstract void StoreWordsAsBytes(byte* p, TVec v);
    static abstract TVec BroadcastWord(ushort v);
    static abstract TVec AddWords(TVec a, TVec b);
    static abstract TVec SubtractWords(TVec a, TVec b);
    /// <summary>The low 16 bits of each product.</summary>
    static abstract TVec MultiplyWords(TVec a, TVec b);
    /// <summary>The high 16 bits of each unsigned 32-bit product (x86's <c>pmulhuw</c>).</summary>
    static abstract TVec MultiplyHighWords(TVec a, TVec b);
    static abstract TVec ShiftRightWords(TVec a, [ConstantExpected(Min = 0, Max = 15)] int n);
    static abstract TVec AndWords(TVec a, TVec b);
}

internal unsafe partial struct ScalarOps
{
    /// <summary>A computed word (the JIT folds the bit casts of a chain of word operations away: they stay integer code).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static float Word(int v) => BitConverter.Int32BitsToSingle(v & 0xFFFF);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static int Bits(float v) => BitConverter.SingleToInt32Bits(v);
    /// <summary>
    /// A loaded byte or word's bits as a float, through a vector move: .NET 10's JIT folds
    /// <c>Int32BitsToSingle(*p)</c> of a byte or ushort load (a field's too) into a 4-byte float load
    /// of the same address, reading the neighbouring samples (and past the end of a buffer); this
    /// form stays a zero-extending load and one <c>vmovd</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static float Loaded(int v) => Vector128.CreateScalar(v).AsSingle().ToScalar();
    public static int WordCount => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWords(ushort* p) => Loaded(*p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreWords(ushort* p, float v) => *p = (ushort)Bits(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadBytesAsWords(byte* p) => Loaded(*p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreWordsAsBytes(byte* p, float v) => *p = (byte)Bits(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float BroadcastWord(ushort v) => Loaded(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float AddWords(float a, float b) => Word(Bits(a) + Bits(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float SubtractWords(float a, float b) => Word(Bits(a) - Bits(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MultiplyWords(float a, float b) => Word(Bits(a) * Bits(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MultiplyHighWords(float a, float b) => Word((int)((uint)Bits(a) * (uint)Bits(b) >> 16));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float ShiftRightWords(float a, [ConstantExpected(Min = 0, Max = 15)] int n) => Word(Bits(a) >> n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float AndWords(float a, float b) => Word(Bits(a) & Bits(b));
}

internal unsafe partial struct V128Ops
{
    public static int WordCount => Vector128<ushort>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> LoadWords(ushort* p) => Vector128.Load(p).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreWords(ushort* p, Vector128<float> v) => v.AsUInt16().Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadBytesAsWords(byte* p) => Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(ulong*)p).AsByte()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWordsAsBytes(byte* p, Vector128<float> v) => *(ulong*)p = Vector128.Narrow(v.AsUInt16(), v.AsUInt16()).AsUInt64().ToScalar();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> BroadcastWord(ushort v) => Vector128.Create(v).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> AddWords(Vector128<float> a, Vector128<float> b) => (a.AsUInt16() + b.AsUInt16()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> SubtractWords(Vector128<float> a, Vector128<float> b) => (a.AsUInt16() - b.AsUInt16()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> MultiplyWords(Vector128<float> a, Vector128<float> b) => (a.AsUInt16() * b.AsUInt16()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyHighWords(Vector128<float> a, Vector128<float> b)
    {
        if (Sse2.IsSupported) return Sse2.MultiplyHigh(a.AsUInt16(), b.AsUInt16()).AsSingle();
        var (al, ah) = Vector128.Widen(a.AsUInt16());
        var (bl, bh) = Vector128.Widen(b.AsUInt16());
        return Vector128.Narrow(Vector128.ShiftRightLogical(al * bl, 16), Vector128.ShiftRightLogical(ah * bh, 16)).AsSingle();
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ShiftRightWords(Vector128<float> a, [ConstantExpected(Min = 0, Max = 15)] int n) => Vector128.ShiftRightLogical(a.AsUInt16(), n).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> AndWords(Vector128<float> a, Vector128<float> b) => a & b;
}

internal unsafe partial struct V256Ops
{
    public static int WordCount => Vector256<ushort>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> LoadWords(ushort* p) => Vector256.Load(p).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreWords(ushort* p, Vector256<float> v) => v.AsUInt16().Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadBytesAsWords(byte* p) => Vector256.WidenLower(Vector128.Load(p).ToVector256Unsafe()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWordsAsBytes(byte* p, Vector256<float> v) => Vector256.Narrow(v.AsUInt16(), v.AsUInt16()).GetLower().Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> BroadcastWord(ushort v) => Vector256.Create(v).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> AddWords(Vector256<float> a, Vector256<float> b) => (a.AsUInt16() + b.AsUInt16()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> SubtractWords(Vector256<float> a, Vector256<float> b) => (a.AsUInt16() - b.AsUInt16()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> MultiplyWords(Vector256<float> a, Vector256<float> b) => (a.AsUInt16() * b.AsUInt16()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyHighWords(Vector256<float> a, Vector256<float> b)
    {
        if (Avx2.IsSupported) return Avx2.MultiplyHigh(a.AsUInt16(), b.AsUInt16()).AsSingle();
        return Vector256.Create(V128Ops.MultiplyHighWords(a.GetLower(), b.GetLower()), V128Ops.MultiplyHighWords(a.GetUpper(), b.GetUpper()));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ShiftRightWords(Vector256<float> a, [ConstantExpected(Min = 0, Max = 15)] int n) => Vector256.ShiftRightLogical(a.AsUInt16(), n).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> AndWords(Vector256<float> a, Vector256<float> b) => a & b;
}

internal unsafe partial struct V512Ops
{
    public static int WordCount => Vector512<ushort>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> LoadWords(ushort* p) => Vector512.Load(p).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreWords(ushort* p, Vector512<float> v) => v.AsUInt16().Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadBytesAsWords(byte* p) => Vector512.WidenLower(Vector256.Load(p).ToVector512Unsafe()).AsSingle();
    /// <summary>One vpmovwb where AVX-512BW exists; the portable Narrow needs two and a shuffle.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWordsAsBytes(byte* p, Vector512<float> v)
    {
        if (Avx512BW.IsSupported) Avx512BW.ConvertToVector256Byte(v.AsUInt16()).Store(p);
        else Vector512.Narrow(v.AsUInt16(), v.AsUInt16()).GetLower().Store(p);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> BroadcastWord(ushort v) => Vector512.Create(v).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> AddWords(Vector512<float> a, Vector512<float> b) => (a.AsUInt16() + b.AsUInt16()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> SubtractWords(Vector512<float> a, Vector512<float> b) => (a.AsUInt16() - b.AsUInt16()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> MultiplyWords(Vector512<float> a, Vector512<float> b) => (a.AsUInt16() * b.AsUInt16()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyHighWords(Vector512<float> a, Vector512<float> b)
    {
        if (Avx512BW.IsSupported) return Avx512BW.MultiplyHigh(a.AsUInt16(), b.AsUInt16()).AsSingle();
        return Vector512.Create(V256Ops.MultiplyHighWords(a.GetLower(), b.GetLower()), V256Ops.MultiplyHighWords(a.GetUpper(), b.GetUpper()));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ShiftRightWords(Vector512<float> a, [ConstantExpected(Min = 0, Max = 15)] int n) => Vector512.ShiftRightLogical(a.AsUInt16(), n).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> AndWords(Vector512<float> a, Vector512<float> b) => a & b;
}
