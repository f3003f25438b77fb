using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// One row of BGR → gray with OpenCV's fixed-point weights and rounding:
/// <c>(9798·R + 19235·G + 3735·B + 2^14) >> 15</c> (cvtColor's CV_8U path; bit-exact).
/// <para>
/// One kernel body for every width (<see cref="ByteLadder"/>): four pixels per 16-byte lane, each
/// spread to four 16-bit lanes (B, G, R, 0) by <c>pshufb</c> so that <c>pmaddwd</c> forms
/// B·wB + G·wG and R·wR + 0 in 32-bit lanes and one pairwise add gives the sum: no deinterleaving.
/// </para>
/// </summary>
internal static class GrayRow
{
    public const int WeightR = 9798, WeightG = 19235, WeightB = 3735, Shift = 15;

    /// <summary>The specification for one pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Pixel(byte b, byte g, byte r) => (byte)((WeightR * r + WeightG * g + WeightB * b + (1 << (Shift - 1))) >> Shift);

    [MethodImpl(Hot)]
    public static unsafe void BgrToGray(ReadOnlySpan<byte> bgr, Span<byte> gray, SimdLevel level)
    {
        int n = gray.Length;
        if (bgr.Length < 3 * n) throw new ArgumentException("BGR row is shorter than three times the gray row");
        fixed (byte* s = bgr, d = gray) ByteLadder.Run(new Kernel(s, d), n, level);
    }

    /// <summary>Two vectors of pixel quads (<c>Count/4</c> pixels each) per step, packed into one store.</summary>
    private readonly unsafe struct Kernel(byte* bgr, byte* gray) : IByteRowKernel
    {
        public int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.HasInLaneShuffle ? TOps.Count / 2 : 0;

        /// <summary>The second load ends 3·Count/4 + Count bytes after pixel x's first byte.</summary>
        public int Reach<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => (7 * TOps.Count / 4 + 2) / 3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            byte* p = bgr + 3 * x;
            TOps.StoreNarrowedInt32(gray + x, Quads<TVec, TOps>(TOps.LoadPixelQuads(p)), Quads<TVec, TOps>(TOps.LoadPixelQuads(p + 3 * TOps.Count / 4)));
        }

        /// <summary>The gray values of the pixel quads, one per 32-bit lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TVec Quads<TVec, TOps>(TVec quads) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            // Bytes 0-5 and 6-11 of a lane (pixels 0-1 and 2-3) as words (B, G, R, 0): 0x80 makes a zero
            // byte. The weights (wB, wG, wR, 0) twice. Constants, folded into the loop's data.
            TVec first = TOps.BroadcastLanes(0x8080_8002_8001_8000, 0x8080_8005_8004_8003);
            TVec second = TOps.BroadcastLanes(0x8080_8008_8007_8006, 0x8080_800B_800A_8009);
            const ulong w = WeightB | (ulong)WeightG << 16 | (ulong)WeightR << 32;
            TVec weights = TOps.BroadcastLanes(w, w);
            TVec sums = TOps.AddPairsInLanes(TOps.MultiplyAddAdjacentWords(TOps.ShuffleInLanes(quads, first), weights),
                                             TOps.MultiplyAddAdjacentWords(TOps.ShuffleInLanes(quads, second), weights));
            return TOps.ShiftRightInt32(TOps.AddInt32(sums, TOps.BroadcastInt32(1 << (Shift - 1))), Shift);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Scalar(int x, int n)
        {
            for (; x < n; x++) gray[x] = Pixel(bgr[3 * x], bgr[3 * x + 1], bgr[3 * x + 2]);
        }
    }
}
