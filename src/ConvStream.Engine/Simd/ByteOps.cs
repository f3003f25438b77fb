using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvStream.Engine.Simd;

/// <summary>
/// The width abstraction of the engine's 8-bit kernels (the byte-lane twin of <see cref="ISimdOps{TVec}"/>):
/// one vector type per width (<c>Vector128/256/512&lt;byte&gt;</c>) holding raw bits, and operations
/// named by how they read the lanes: bytes (the default), <c>Words</c> (16-bit lanes, signed where
/// it matters) or <c>Int32</c>. A kernel written once over (<typeparamref name="TVec"/>, ops) is
/// compiled into one fully inlined body per width; <see cref="ByteLadder"/> chooses the widths and
/// runs the kernel's scalar specification on what is left. There is no one-lane instantiation:
/// widening and shuffles have no one-byte meaning, so each kernel keeps its scalar loop as the
/// specification (and tail).
/// <para>
/// The shuffles are x86 instructions: a kernel using them asks <see cref="HasInLaneShuffle"/> or
/// <see cref="HasPermute"/> and does not run at a width without them (the ladder then takes the
/// next narrower one, or the scalar loop).
/// </para>
/// </summary>
internal unsafe interface IByteOps<TVec> where TVec : unmanaged
{
    /// <summary>Bytes per vector.</summary>
    static abstract int Count { get; }
    static abstract TVec Load(byte* p);
    static abstract void Store(byte* p, TVec v);
    /// <summary>The first <see cref="Count"/>/2 bytes of <paramref name="v"/>.</summary>
    static abstract void StoreLower(byte* p, TVec v);
    static abstract TVec Broadcast(byte v);

    // Bytes, unsigned; Add and Subtract wrap (mod 256).
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Subtract(TVec a, TVec b);
    static abstract TVec Max(TVec a, TVec b);
    static abstract TVec Min(TVec a, TVec b);
    static abstract TVec And(TVec a, TVec b);
    static abstract TVec Xor(TVec a, TVec b);
    /// <summary><c>v >> 1</c> in every byte.</summary>
    static abstract TVec Halve(TVec v);
    /// <summary>0xFF where <c>a &gt; b</c> (unsigned), 0 elsewhere.</summary>
    static abstract TVec GreaterThan(TVec a, TVec b);
    /// <summary>|v| of each byte read as signed, as a byte (|−128| is 128 = 0x80).</summary>
    static abstract TVec AbsSigned(TVec v);
    /// <summary>Bitwise: <paramref name="mask"/>'s ones from a, its zeros from b.</summary>
    static abstract TVec Select(TVec mask, TVec a, TVec b);

    // Words: 16-bit lanes in the same vector type.

    /// <summary>The bytes zero-extended to words: Low holds the first <see cref="Count"/>/2 bytes, High the rest.</summary>
    static abstract (TVec Low, TVec High) Widen(TVec v);
    /// <summary>The low byte of every word, <paramref name="low"/>'s first (the inverse of <see cref="Widen"/> for words in 0..255).</summary>
    static abstract TVec NarrowWords(TVec low, TVec high);
    /// <summary>The low byte of every word (<see cref="Count"/>/2 bytes).</summary>
    static abstract void StoreNarrowedWords(byte* p, TVec words);
    static abstract TVec AddWords(TVec a, TVec b);
    static abstract TVec SubtractWords(TVec a, TVec b);
    /// <summary>|v| of signed words.</summary>
    static abstract TVec AbsWords(TVec v);
    /// <summary>All ones where <c>a ≤ b</c> as signed words.</summary>
    static abstract TVec LessThanOrEqualWords(TVec a, TVec b);
    static abstract TVec BroadcastWord(short v);
    /// <summary>Logical shift right of every word.</summary>
    static abstract TVec ShiftRightWords(TVec v, byte count);
    /// <summary>The sum of the unsigned words.</summary>
    static abstract long SumWords(TVec v);

    // Words for the separable filters' exact sums (wrapping mod 2^16, so signed and unsigned alike).

    /// <summary><see cref="Count"/>/2 bytes from <paramref name="p"/>, zero-extended to words.</summary>
    static abstract TVec LoadBytesAsWords(byte* p);
    /// <summary>The low 16 bits of each word product.</summary>
    static abstract TVec MultiplyWords(TVec a, TVec b);
    /// <summary>The high 16 bits of each unsigned word product (<c>pmulhuw</c>).</summary>
    static abstract TVec MultiplyHighWords(TVec a, TVec b);

    // x86 shuffles and multiply-adds.

    /// <summary>Whether <see cref="ShuffleInLanes"/>, <see cref="LoadPixelQuads"/>, <see cref="MultiplyAddAdjacentWords"/>, <see cref="AddPairsInLanes"/> and <see cref="StoreNarrowedInt32"/> run at this width (SSSE3, AVX2, AVX-512BW).</summary>
    static abstract bool HasInLaneShuffle { get; }
    /// <summary><c>pshufb</c> in every 16-byte lane: byte j of a lane takes byte <c>table[j] &amp; 15</c> of the same lane, or 0 where <c>table[j]</c> has bit 7 set.</summary>
    static abstract TVec ShuffleInLanes(TVec v, TVec table);
    /// <summary>
    /// A 16-byte pattern (bytes 0–7 in <paramref name="low"/>, 8–15 in <paramref name="high"/>, little-endian)
    /// in every lane: given as two longs because a vector made of constant longs is folded into the
    /// loop's data at every width, where one built from a Vector128 spilled to the stack in every step.
    /// </summary>
    static abstract TVec BroadcastLanes(ulong low, ulong high);
    /// <summary>Three-byte pixels, four per lane: lane k holds the 16 bytes from <c>p + 12k</c>. Reads <see cref="Count"/> bytes from p.</summary>
    static abstract TVec LoadPixelQuads(byte* p);
    /// <summary><c>pmaddwd</c>: Int32 lane j = a[2j]·b[2j] + a[2j+1]·b[2j+1] over signed words.</summary>
    static abstract TVec MultiplyAddAdjacentWords(TVec a, TVec b);
    /// <summary>
    /// <c>phaddd</c> in every 16-byte lane: Int32 lanes [a0+a1, a2+a3, b0+b1, b2+b3] of that lane of a and b.
    /// </summary>
    static abstract TVec AddPairsInLanes(TVec a, TVec b);
    static abstract TVec AddInt32(TVec a, TVec b);
    static abstract TVec BroadcastInt32(int v);
    /// <summary>Arithmetic shift right of every Int32 lane.</summary>
    static abstract TVec ShiftRightInt32(TVec v, byte count);
    /// <summary>The Int32 lanes of a, then of b, in 0..255, as <see cref="Count"/>/2 bytes.</summary>
    static abstract void StoreNarrowedInt32(byte* p, TVec a, TVec b);

    /// <summary>Whether <see cref="Permute"/> and <see cref="AddAdjacentBytes"/> run at this width (SSSE3, AVX-512VBMI+VL, AVX-512VBMI).</summary>
    static abstract bool HasPermute { get; }
    /// <summary>Byte j takes byte <c>indices[j]</c> of the whole vector (indices below <see cref="Count"/>).</summary>
    static abstract TVec Permute(TVec v, TVec indices);
    /// <summary>Words: <c>v[2j] + v[2j+1]</c> (<c>pmaddubsw</c> with ones).</summary>
    static abstract TVec AddAdjacentBytes(TVec v);
}

internal unsafe struct Bytes128 : IByteOps<Vector128<byte>>
{
    public static int Count => 16;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> Load(byte* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(byte* p, Vector128<byte> v) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreLower(byte* p, Vector128<byte> v) => *(ulong*)p = v.AsUInt64().ToScalar();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> Broadcast(byte v) => Vector128.Create(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> Add(Vector128<byte> a, Vector128<byte> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> Subtract(Vector128<byte> a, Vector128<byte> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> Max(Vector128<byte> a, Vector128<byte> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> Min(Vector128<byte> a, Vector128<byte> b) => Vector128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> And(Vector128<byte> a, Vector128<byte> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> Xor(Vector128<byte> a, Vector128<byte> b) => a ^ b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> Halve(Vector128<byte> v) => Vector128.ShiftRightLogical(v, 1);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> GreaterThan(Vector128<byte> a, Vector128<byte> b) => Vector128.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> AbsSigned(Vector128<byte> v) => Vector128.Abs(v.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> Select(Vector128<byte> mask, Vector128<byte> a, Vector128<byte> b) => Vector128.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<byte> Low, Vector128<byte> High) Widen(Vector128<byte> v) { var (lo, hi) = Vector128.Widen(v); return (lo.AsByte(), hi.AsByte()); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> NarrowWords(Vector128<byte> low, Vector128<byte> high) => Vector128.Narrow(low.AsUInt16(), high.AsUInt16());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreNarrowedWords(byte* p, Vector128<byte> words) => StoreLower(p, NarrowWords(words, words));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> AddWords(Vector128<byte> a, Vector128<byte> b) => (a.AsInt16() + b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> SubtractWords(Vector128<byte> a, Vector128<byte> b) => (a.AsInt16() - b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> AbsWords(Vector128<byte> v) => Vector128.Abs(v.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> LessThanOrEqualWords(Vector128<byte> a, Vector128<byte> b) => Vector128.LessThanOrEqual(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> BroadcastWord(short v) => Vector128.Create(v).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> ShiftRightWords(Vector128<byte> v, byte count) => Vector128.ShiftRightLogical(v.AsUInt16(), count).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SumWords(Vector128<byte> v) { var (lo, hi) = Vector128.Widen(v.AsUInt16()); return Vector128.Sum(lo + hi); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> LoadBytesAsWords(byte* p) => Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(ulong*)p).AsByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> MultiplyWords(Vector128<byte> a, Vector128<byte> b) => (a.AsUInt16() * b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> MultiplyHighWords(Vector128<byte> a, Vector128<byte> b)
    {
        if (Sse2.IsSupported) return Sse2.MultiplyHigh(a.AsUInt16(), b.AsUInt16()).AsByte();
        var (al, ah) = Vector128.Widen(a.AsUInt16());
        var (bl, bh) = Vector128.Widen(b.AsUInt16());
        return Vector128.Narrow(Vector128.ShiftRightLogical(al * bl, 16), Vector128.ShiftRightLogical(ah * bh, 16)).AsByte();
    }
    public static bool HasInLaneShuffle => Ssse3.IsSupported;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> ShuffleInLanes(Vector128<byte> v, Vector128<byte> table) => Ssse3.Shuffle(v, table);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> BroadcastLanes(ulong low, ulong high) => Vector128.Create(low, high).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> LoadPixelQuads(byte* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> MultiplyAddAdjacentWords(Vector128<byte> a, Vector128<byte> b) => Sse2.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> AddPairsInLanes(Vector128<byte> a, Vector128<byte> b) => Ssse3.HorizontalAdd(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> AddInt32(Vector128<byte> a, Vector128<byte> b) => (a.AsInt32() + b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> BroadcastInt32(int v) => Vector128.Create(v).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> ShiftRightInt32(Vector128<byte> v, byte count) => Vector128.ShiftRightArithmetic(v.AsInt32(), count).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowedInt32(byte* p, Vector128<byte> a, Vector128<byte> b)
    {
        var words = Sse2.PackSignedSaturate(a.AsInt32(), b.AsInt32());
        StoreLower(p, Sse2.PackUnsignedSaturate(words, words));
    }
    public static bool HasPermute => Ssse3.IsSupported;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> Permute(Vector128<byte> v, Vector128<byte> indices) => Ssse3.Shuffle(v, indices);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<byte> AddAdjacentBytes(Vector128<byte> v) => Ssse3.MultiplyAddAdjacent(v, Vector128<sbyte>.One).AsByte();
}

internal unsafe struct Bytes256 : IByteOps<Vector256<byte>>
{
    public static int Count => 32;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> Load(byte* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(byte* p, Vector256<byte> v) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreLower(byte* p, Vector256<byte> v) => v.GetLower().Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> Broadcast(byte v) => Vector256.Create(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> Add(Vector256<byte> a, Vector256<byte> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> Subtract(Vector256<byte> a, Vector256<byte> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> Max(Vector256<byte> a, Vector256<byte> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> Min(Vector256<byte> a, Vector256<byte> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> And(Vector256<byte> a, Vector256<byte> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> Xor(Vector256<byte> a, Vector256<byte> b) => a ^ b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> Halve(Vector256<byte> v) => Vector256.ShiftRightLogical(v, 1);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> GreaterThan(Vector256<byte> a, Vector256<byte> b) => Vector256.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> AbsSigned(Vector256<byte> v) => Vector256.Abs(v.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> Select(Vector256<byte> mask, Vector256<byte> a, Vector256<byte> b) => Vector256.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<byte> Low, Vector256<byte> High) Widen(Vector256<byte> v) { var (lo, hi) = Vector256.Widen(v); return (lo.AsByte(), hi.AsByte()); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> NarrowWords(Vector256<byte> low, Vector256<byte> high) => Vector256.Narrow(low.AsUInt16(), high.AsUInt16());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowedWords(byte* p, Vector256<byte> words)
    {
        if (Avx512BW.VL.IsSupported) Avx512BW.VL.ConvertToVector128Byte(words.AsUInt16()).Store(p);  // one vpmovwb
        else StoreLower(p, NarrowWords(words, words));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> AddWords(Vector256<byte> a, Vector256<byte> b) => (a.AsInt16() + b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> SubtractWords(Vector256<byte> a, Vector256<byte> b) => (a.AsInt16() - b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> AbsWords(Vector256<byte> v) => Vector256.Abs(v.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> LessThanOrEqualWords(Vector256<byte> a, Vector256<byte> b) => Vector256.LessThanOrEqual(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> BroadcastWord(short v) => Vector256.Create(v).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> ShiftRightWords(Vector256<byte> v, byte count) => Vector256.ShiftRightLogical(v.AsUInt16(), count).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SumWords(Vector256<byte> v) { var (lo, hi) = Vector256.Widen(v.AsUInt16()); return Vector256.Sum(lo + hi); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> LoadBytesAsWords(byte* p) => Vector256.WidenLower(Vector128.Load(p).ToVector256Unsafe()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> MultiplyWords(Vector256<byte> a, Vector256<byte> b) => (a.AsUInt16() * b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> MultiplyHighWords(Vector256<byte> a, Vector256<byte> b)
        => Avx2.IsSupported ? Avx2.MultiplyHigh(a.AsUInt16(), b.AsUInt16()).AsByte()
         : Vector256.Create(Bytes128.MultiplyHighWords(a.GetLower(), b.GetLower()), Bytes128.MultiplyHighWords(a.GetUpper(), b.GetUpper()));
    public static bool HasInLaneShuffle => Avx2.IsSupported;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> ShuffleInLanes(Vector256<byte> v, Vector256<byte> table) => Avx2.Shuffle(v, table);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> BroadcastLanes(ulong low, ulong high) => Vector256.Create(low, high, low, high).AsByte();
    /// <summary>One 32-byte load and one <c>vpermd</c>: dwords 0–3 and 3–6.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> LoadPixelQuads(byte* p) => Avx2.PermuteVar8x32(Vector256.Load((int*)p), Vector256.Create(0, 1, 2, 3, 3, 4, 5, 6)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> MultiplyAddAdjacentWords(Vector256<byte> a, Vector256<byte> b) => Avx2.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> AddPairsInLanes(Vector256<byte> a, Vector256<byte> b) => Avx2.HorizontalAdd(a.AsInt32(), b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> AddInt32(Vector256<byte> a, Vector256<byte> b) => (a.AsInt32() + b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> BroadcastInt32(int v) => Vector256.Create(v).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> ShiftRightInt32(Vector256<byte> v, byte count) => Vector256.ShiftRightArithmetic(v.AsInt32(), count).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowedInt32(byte* p, Vector256<byte> a, Vector256<byte> b)
    {
        var words = Vector256.Narrow(a.AsInt32(), b.AsInt32()).AsUInt16();
        Vector128.Narrow(words.GetLower(), words.GetUpper()).Store(p);
    }
    public static bool HasPermute => Avx512Vbmi.VL.IsSupported;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> Permute(Vector256<byte> v, Vector256<byte> indices) => Avx512Vbmi.VL.PermuteVar32x8(v, indices);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<byte> AddAdjacentBytes(Vector256<byte> v) => Avx2.MultiplyAddAdjacent(v, Vector256<sbyte>.One).AsByte();
}

internal unsafe struct Bytes512 : IByteOps<Vector512<byte>>
{
    public static int Count => 64;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> Load(byte* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(byte* p, Vector512<byte> v) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreLower(byte* p, Vector512<byte> v) => v.GetLower().Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> Broadcast(byte v) => Vector512.Create(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> Add(Vector512<byte> a, Vector512<byte> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> Subtract(Vector512<byte> a, Vector512<byte> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> Max(Vector512<byte> a, Vector512<byte> b) => Vector512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> Min(Vector512<byte> a, Vector512<byte> b) => Vector512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> And(Vector512<byte> a, Vector512<byte> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> Xor(Vector512<byte> a, Vector512<byte> b) => a ^ b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> Halve(Vector512<byte> v) => Vector512.ShiftRightLogical(v, 1);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> GreaterThan(Vector512<byte> a, Vector512<byte> b) => Vector512.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> AbsSigned(Vector512<byte> v) => Vector512.Abs(v.AsSByte()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> Select(Vector512<byte> mask, Vector512<byte> a, Vector512<byte> b) => Vector512.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<byte> Low, Vector512<byte> High) Widen(Vector512<byte> v) { var (lo, hi) = Vector512.Widen(v); return (lo.AsByte(), hi.AsByte()); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> NarrowWords(Vector512<byte> low, Vector512<byte> high) => Vector512.Narrow(low.AsUInt16(), high.AsUInt16());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowedWords(byte* p, Vector512<byte> words)
    {
        if (Avx512BW.IsSupported) Avx512BW.ConvertToVector256Byte(words.AsUInt16()).Store(p);  // one vpmovwb
        else StoreLower(p, NarrowWords(words, words));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> AddWords(Vector512<byte> a, Vector512<byte> b) => (a.AsInt16() + b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> SubtractWords(Vector512<byte> a, Vector512<byte> b) => (a.AsInt16() - b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> AbsWords(Vector512<byte> v) => Vector512.Abs(v.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> LessThanOrEqualWords(Vector512<byte> a, Vector512<byte> b) => Vector512.LessThanOrEqual(a.AsInt16(), b.AsInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> BroadcastWord(short v) => Vector512.Create(v).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> ShiftRightWords(Vector512<byte> v, byte count) => Vector512.ShiftRightLogical(v.AsUInt16(), count).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SumWords(Vector512<byte> v) { var (lo, hi) = Vector512.Widen(v.AsUInt16()); return Vector512.Sum(lo + hi); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> LoadBytesAsWords(byte* p) => Vector512.WidenLower(Vector256.Load(p).ToVector512Unsafe()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> MultiplyWords(Vector512<byte> a, Vector512<byte> b) => (a.AsUInt16() * b.AsUInt16()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> MultiplyHighWords(Vector512<byte> a, Vector512<byte> b)
        => Avx512BW.IsSupported ? Avx512BW.MultiplyHigh(a.AsUInt16(), b.AsUInt16()).AsByte()
         : Vector512.Create(Bytes256.MultiplyHighWords(a.GetLower(), b.GetLower()), Bytes256.MultiplyHighWords(a.GetUpper(), b.GetUpper()));
    public static bool HasInLaneShuffle => Avx512BW.IsSupported;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> ShuffleInLanes(Vector512<byte> v, Vector512<byte> table) => Avx512BW.Shuffle(v, table);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> BroadcastLanes(ulong low, ulong high) => Vector512.Create(low, high, low, high, low, high, low, high).AsByte();
    /// <summary>One 64-byte load and one <c>vpermd</c>: dwords 0–3, 3–6, 6–9, 9–12.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> LoadPixelQuads(byte* p)
        => Avx512F.PermuteVar16x32(Vector512.Load((int*)p), Vector512.Create(0, 1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9, 9, 10, 11, 12)).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> MultiplyAddAdjacentWords(Vector512<byte> a, Vector512<byte> b) => Avx512BW.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16()).AsByte();
    /// <summary>There is no 512-bit <c>phaddd</c>: the in-lane even and odd dwords of a‖b (two <c>shufps</c>), added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> AddPairsInLanes(Vector512<byte> a, Vector512<byte> b)
    {
        var evens = Avx512F.Shuffle(a.AsSingle(), b.AsSingle(), 0b10_00_10_00).AsInt32();
        var odds = Avx512F.Shuffle(a.AsSingle(), b.AsSingle(), 0b11_01_11_01).AsInt32();
        return (evens + odds).AsByte();
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> AddInt32(Vector512<byte> a, Vector512<byte> b) => (a.AsInt32() + b.AsInt32()).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> BroadcastInt32(int v) => Vector512.Create(v).AsByte();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> ShiftRightInt32(Vector512<byte> v, byte count) => Vector512.ShiftRightArithmetic(v.AsInt32(), count).AsByte();
    /// <summary>Two <c>vpmovdb</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowedInt32(byte* p, Vector512<byte> a, Vector512<byte> b)
    {
        Avx512F.ConvertToVector128Byte(a.AsInt32()).Store(p);
        Avx512F.ConvertToVector128Byte(b.AsInt32()).Store(p + 16);
    }
    public static bool HasPermute => Avx512Vbmi.IsSupported;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> Permute(Vector512<byte> v, Vector512<byte> indices) => Avx512Vbmi.PermuteVar64x8(v, indices);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<byte> AddAdjacentBytes(Vector512<byte> v) => Avx512BW.MultiplyAddAdjacent(v, Vector512<sbyte>.One).AsByte();
}
