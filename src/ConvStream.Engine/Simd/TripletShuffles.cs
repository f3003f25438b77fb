using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvStream.Engine.Simd;

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

internal unsafe partial interface ISimdOps<TVec>
{
    /// <summary>The Count pixels of 3-channel samples a‖b‖c, split into their channels in pixel order.</summary>
    static abstract (TVec C0, TVec C1, TVec C2) Deinterleave3(TVec a, TVec b, TVec c);
    /// <summary>The inverse of <see cref="Deinterleave3"/>: Count pixels of three planes as the interleaved a‖b‖c.</summary>
    static abstract (TVec A, TVec B, TVec C) Interleave3(TVec c0, TVec c1, TVec c2);
}

internal unsafe partial struct ScalarOps
{
    // One lane is one pixel: a, b, c are its three samples.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static (float C0, float C1, float C2) Deinterleave3(float a, float b, float c) => (a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static (float A, float B, float C) Interleave3(float c0, float c1, float c2) => (c0, c1, c2);
}

internal unsafe partial struct V128Ops
{
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

internal unsafe partial struct V256Ops
{
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

internal unsafe partial struct V512Ops
{
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
