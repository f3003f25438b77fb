using System.Runtime.CompilerServices;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// Row kernels of the u8 pools, each one body for every width over <see cref="IByteOps{TVec}"/>
/// (<see cref="ByteLadder"/>) with a scalar loop that is the specification. The common 2×2 stride-2
/// window runs in one pass: vertical max (or sum), then the horizontal partners of an interleaved
/// row (samples C apart) gathered by byte permutes (<see cref="PairTables"/>: <c>pshufb</c> at
/// Vector128, <c>vpermb</c> at Vector256/512), so BGR needs no deinterleaving.
/// </summary>
internal static class PoolRows
{
    public static FrameFormat OutputFormat(FrameFormat f, int size, int stride)
    {
        if (f.Depth != Imaging.PixelDepth.U8)
            throw new ConvStreamException($"expects a u8 frame but got {f}");
        if (f.Width < size || f.Height < size)
            throw new ConvStreamException($"frame {f.Width}x{f.Height} is smaller than the {size}x{size} window");
        return f with { Width = (f.Width - size) / stride + 1, Height = (f.Height - size) / stride + 1 };
    }

    /// <summary><c>dst[x] = max(a[x], b[x])</c> (dst may be a).</summary>
    [MethodImpl(Hot)]
    public static unsafe void MaxRows(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst, SimdLevel level)
    {
        fixed (byte* pa = a, pb = b, pd = dst) ByteLadder.Run(new MaxKernel(pa, pb, pd), dst.Length, level);
    }

    private readonly unsafe struct MaxKernel(byte* a, byte* b, byte* dst) : IByteRowKernel
    {
        public int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count;
        public int Reach<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : IByteOps<TVec>
            => TOps.Store(dst + x, TOps.Max(TOps.Load(a + x), TOps.Load(b + x)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Scalar(int x, int n)
        {
            for (; x < n; x++) dst[x] = Math.Max(a[x], b[x]);
        }
    }

    /// <summary>
    /// One output row of the 2×2 stride-2 max pool from input rows a and b, in one pass:
    /// vertical max, then the horizontal partners gathered by two byte permutes.
    /// </summary>
    [MethodImpl(Hot)]
    public static unsafe void MaxPool2x2Row(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst, int channels, SimdLevel level)
    {
        CheckPair(a, b, dst, channels);
        fixed (byte* pa = a, pb = b, pd = dst) ByteLadder.Run(new MaxPair(pa, pb, pd, channels, PairTables.For(channels)), dst.Length, level);
    }

    /// <summary>
    /// One output row of the 2×2 stride-2 average pool, <c>(a+b+c+d+2) >> 2</c>, in one pass:
    /// partners made adjacent by one byte permute per row, summed by <c>pmaddubsw</c> into
    /// 16-bit lanes, the two rows added, rounded, narrowed.
    /// </summary>
    [MethodImpl(Hot)]
    public static unsafe void AvgPool2x2Row(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst, int channels, SimdLevel level)
    {
        CheckPair(a, b, dst, channels);
        fixed (byte* pa = a, pb = b, pd = dst) ByteLadder.Run(new AvgPair(pa, pb, pd, channels, PairTables.For(channels)), dst.Length, level);
    }

    private static void CheckPair(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst, int channels)
    {
        if (a.Length < 2 * dst.Length || b.Length < 2 * dst.Length) throw new ArgumentException("input rows are shorter than twice the output row");
        if (channels < 1 || dst.Length % channels != 0) throw new ArgumentException("the output row is not a whole number of pixels");
    }

    /// <summary>
    /// A step of the pair kernels at one width: the whole pixel pairs that fit in one vector of
    /// input (<c>InBlock</c> bytes, a multiple of 2·channels) give <c>InBlock/2</c> outputs; the step
    /// loads a whole vector from each row at 2x and stores Count/2 bytes, so it reaches Count/2 outputs.
    /// </summary>
    private static int PairAdvance<TVec, TOps>(int channels) where TVec : unmanaged where TOps : IByteOps<TVec>
        => TOps.HasPermute ? TOps.Count / (2 * channels) * channels : 0;

    private readonly unsafe struct MaxPair(byte* a, byte* b, byte* dst, int channels, PairTables.Set tables) : IByteRowKernel
    {
        public int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => PairAdvance<TVec, TOps>(channels);
        public int Reach<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count / 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            byte* t = tables.At(TOps.Count);
            TVec v = TOps.Max(TOps.Load(a + 2 * x), TOps.Load(b + 2 * x));
            TOps.StoreLower(dst + x, TOps.Max(TOps.Permute(v, TOps.Load(t + PairTables.First * TOps.Count)), TOps.Permute(v, TOps.Load(t + PairTables.Second * TOps.Count))));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Scalar(int o, int n)
        {
            for (int xo = o / channels, ch = o % channels; o < n; o++)
            {
                int k = xo * 2 * channels + ch;     // no division per sample: the tail is up to a vector long
                dst[o] = Math.Max(Math.Max(a[k], a[k + channels]), Math.Max(b[k], b[k + channels]));
                if (++ch == channels) { ch = 0; xo++; }
            }
        }
    }

    private readonly unsafe struct AvgPair(byte* a, byte* b, byte* dst, int channels, PairTables.Set tables) : IByteRowKernel
    {
        public int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => PairAdvance<TVec, TOps>(channels);
        public int Reach<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec> => TOps.Count / 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : IByteOps<TVec>
        {
            TVec adjacent = TOps.Load(tables.At(TOps.Count) + PairTables.Adjacent * TOps.Count);
            TVec sa = TOps.AddAdjacentBytes(TOps.Permute(TOps.Load(a + 2 * x), adjacent));
            TVec sb = TOps.AddAdjacentBytes(TOps.Permute(TOps.Load(b + 2 * x), adjacent));
            TOps.StoreNarrowedWords(dst + x, TOps.ShiftRightWords(TOps.AddWords(TOps.AddWords(sa, sb), TOps.BroadcastWord(2)), 2));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Scalar(int o, int n)
        {
            for (int xo = o / channels, ch = o % channels; o < n; o++)
            {
                int k = xo * 2 * channels + ch;
                dst[o] = (byte)((a[k] + a[k + channels] + b[k] + b[k + channels] + 2) >> 2);
                if (++ch == channels) { ch = 0; xo++; }
            }
        }
    }
}
