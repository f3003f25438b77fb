using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;
using static ConvStream.Engine.Simd.Inlining;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>sobel-magnitude[:norm=l2|l1][,size=3][,scale=S][,border=B]</c>: BGR (or gray) u8 → gray →
/// 3×3 Sobel dx and dy → magnitude × S → u8, fused in one pass over memory. It equals OpenCV's
/// chain <c>cvtColor(BGR2GRAY)</c> → <c>Sobel(CV_16S)</c> dx, dy → <c>magnitude</c> on float
/// (or |dx|+|dy| for L1) → <c>convertScaleAbs(alpha=S)</c>, bit for bit.
/// <para>
/// Each source row is converted to gray once, into a ring of three padded float rows (border
/// resolved there) that stays in L1; an output row is then three short passes over cache-resident
/// rows (dx/dy, magnitude, saturate). Gray values are integers, so dx, dy and dx²+dy² are exact
/// in float and only the square root rounds, exactly as OpenCV's float magnitude does.
/// </para>
/// </summary>
public sealed class SobelMagnitudeFilter : IFrameFilter
{
    private readonly bool _l1;
    private readonly float _scale;
    private readonly BorderMode _border;

    private readonly ExecutionSettings _settings;

    public SobelMagnitudeFilter(bool l1, float scale, BorderMode border, ExecutionSettings? settings = null)
    {
        _l1 = l1; _scale = scale; _border = border; _settings = settings ?? ExecutionSettings.Default;
    }

    public string Op => "sobel-magnitude";
    public (int KH, int KW, int Stride) Footprint => (3, 3, 1);
    public long MultiplyAdds(FrameFormat output) => (long)output.Width * output.Height * 12;

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        var f = inputs[0];
        if (f.Depth != PixelDepth.U8 || f.Channels is not (1 or 3))
            throw new ConvStreamException($"expects a u8 BGR or gray frame but got {f}");
        return f with { Channels = 1 };
    }

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
    {
        var src = inputs[0];
        _settings.For(src.Height, src.Width * 16L, (filter: this, src, output, _settings.Level),
            static (c, y0, y1) => c.filter.Band(c.src, c.output, y0, y1, c.Level));
    }

    private unsafe void Band(Frame src, Frame dst, int y0, int y1, SimdLevel level)
    {
        int w = src.Width, h = src.Height;
        int stride = (w + 2 + 64 + 15) & ~15;           // padded row + one vector of slack for over-reads
        using var lease = PinnedScratch.Rent(2 * PinnedScratch.FloatsFor<float>(3 * stride) + PinnedScratch.FloatsFor<byte>(w), _settings.ScratchFloats);
        var carve = lease.Carve();
        Span<float> ringSpan = carve.Take<float>(3 * stride), workSpan = carve.Take<float>(3 * stride);
        Span<byte> gray = carve.Take<byte>(w);
        int* tags = stackalloc int[3];
        var rows = new RowRing(3, tags);
        fixed (float* ring = ringSpan, work = workSpan)
        {
            float* dx = work, dy = work + stride, mag = work + 2 * stride;
            for (int y = y0; y < y1; y++)
            {
                for (int k = -1; k <= 1; k++)
                {
                    int v = y + k;
                    if (rows.Claim(v, out int slot)) FillSlot(src, v, ring + slot * stride, gray, level);
                }
                float* r0 = ring + rows.SlotOf(y - 1) * stride;
                float* r1 = ring + rows.SlotOf(y) * stride;
                float* r2 = ring + rows.SlotOf(y + 1) * stride;
                var outRow = dst.Row<byte>(y);
                int x = 0;
                if (level >= SimdLevel.V512 && Avx512F.IsSupported)
                    fixed (byte* o = outRow) x = Fused512(r0, r1, r2, o, w, _l1, _scale);
                // The rest of the row (all of it below Vector512): Sobel, magnitude and saturation as three short passes.
                int rest = w - x;
                if (rest > 0)
                {
                    SobelRows(r0 + x, r1 + x, r2 + x, dx, dy, rest, level);
                    MagnitudeRow.Run(new ReadOnlySpan<float>(dx, rest), new ReadOnlySpan<float>(dy, rest), new Span<float>(mag, rest), _l1, _scale, level);
                    FrameConvertRows.FloatToU8(new ReadOnlySpan<float>(mag, rest), outRow[x..], level);
                }
            }
        }
    }

    private unsafe void FillSlot(Frame src, int v, float* slot, Span<byte> gray, SimdLevel level)
    {
        int w = src.Width;
        int sy = BorderModes.Map(v, src.Height, _border);
        if (sy < 0) { new Span<float>(slot, w + 2).Clear(); return; }
        ReadOnlySpan<byte> g;
        if (src.Channels == 3) { GrayRow.BgrToGray(src.RowSpan(sy), gray[..w], level); g = gray[..w]; }
        else g = src.RowSpan(sy);
        FrameConvertRows.U8ToFloat(g, new Span<float>(slot + 1, w), level);
        int l = BorderModes.Map(-1, w, _border), r = BorderModes.Map(w, w, _border);
        slot[0] = l < 0 ? 0f : slot[1 + l];
        slot[w + 1] = r < 0 ? 0f : slot[1 + r];
    }

    /// <summary>
    /// Sobel, magnitude, scale and saturation for 16 pixels at a time without leaving registers
    /// (the same operations in the same order as the three-pass path, so the same bits).
    /// Returns how many pixels it did (a multiple of 16).
    /// </summary>
    [MethodImpl(Hot)]
    private static unsafe int Fused512(float* r0, float* r1, float* r2, byte* dst, int n, bool l1, float scale)
    {
        var s = Vector512.Create(scale); var lo = Vector512<float>.Zero; var hi = Vector512.Create(255f);
        int x = 0;
        for (; x + 16 <= n; x += 16)
        {
            var a0 = Vector512.Load(r0 + x); var b0 = Vector512.Load(r0 + x + 1); var c0 = Vector512.Load(r0 + x + 2);
            var a1 = Vector512.Load(r1 + x); var c1 = Vector512.Load(r1 + x + 2);
            var a2 = Vector512.Load(r2 + x); var b2 = Vector512.Load(r2 + x + 1); var c2 = Vector512.Load(r2 + x + 2);
            var d1 = c1 - a1;
            var dx = (c0 - a0) + (d1 + d1) + (c2 - a2);
            var dy = (a2 + b2 + b2 + c2) - (a0 + b0 + b0 + c0);
            var m = l1 ? Vector512.Abs(dx) + Vector512.Abs(dy) : Vector512.Sqrt(Vector512.FusedMultiplyAdd(dx, dx, dy * dy));
            Avx512F.ConvertToVector128Byte(FrameConvertRows.Round512(m * s, lo, hi)).Store(dst + x);
        }
        return x;
    }

    /// <summary>3×3 Sobel on padded rows (index x is the left neighbour of output x): dx = [-1 0 1]·[1 2 1]ᵀ, dy its transpose.</summary>
    [MethodImpl(Hot)]
    internal static unsafe void SobelRows(float* r0, float* r1, float* r2, float* dx, float* dy, int n, SimdLevel level)
    {
        int x = 0;
        if (level >= SimdLevel.V512)
            for (; x < n; x += 16)   // may run past n into the slack; dx/dy have room
            {
                var a0 = Vector512.Load(r0 + x); var b0 = Vector512.Load(r0 + x + 1); var c0 = Vector512.Load(r0 + x + 2);
                var a1 = Vector512.Load(r1 + x); var c1 = Vector512.Load(r1 + x + 2);
                var a2 = Vector512.Load(r2 + x); var b2 = Vector512.Load(r2 + x + 1); var c2 = Vector512.Load(r2 + x + 2);
                var d1 = c1 - a1;
                ((c0 - a0) + (d1 + d1) + (c2 - a2)).Store(dx + x);
                ((a2 + b2 + b2 + c2) - (a0 + b0 + b0 + c0)).Store(dy + x);
            }
        else if (level >= SimdLevel.V256)
            for (; x < n; x += 8)
            {
                var a0 = Vector256.Load(r0 + x); var b0 = Vector256.Load(r0 + x + 1); var c0 = Vector256.Load(r0 + x + 2);
                var a1 = Vector256.Load(r1 + x); var c1 = Vector256.Load(r1 + x + 2);
                var a2 = Vector256.Load(r2 + x); var b2 = Vector256.Load(r2 + x + 1); var c2 = Vector256.Load(r2 + x + 2);
                var d1 = c1 - a1;
                ((c0 - a0) + (d1 + d1) + (c2 - a2)).Store(dx + x);
                ((a2 + b2 + b2 + c2) - (a0 + b0 + b0 + c0)).Store(dy + x);
            }
        else if (level >= SimdLevel.V128)
            for (; x < n; x += 4)
            {
                var a0 = Vector128.Load(r0 + x); var b0 = Vector128.Load(r0 + x + 1); var c0 = Vector128.Load(r0 + x + 2);
                var a1 = Vector128.Load(r1 + x); var c1 = Vector128.Load(r1 + x + 2);
                var a2 = Vector128.Load(r2 + x); var b2 = Vector128.Load(r2 + x + 1); var c2 = Vector128.Load(r2 + x + 2);
                var d1 = c1 - a1;
                ((c0 - a0) + (d1 + d1) + (c2 - a2)).Store(dx + x);
                ((a2 + b2 + b2 + c2) - (a0 + b0 + b0 + c0)).Store(dy + x);
            }
        else
            for (; x < n; x++)
            {
                dx[x] = (r0[x + 2] - r0[x]) + 2 * (r1[x + 2] - r1[x]) + (r2[x + 2] - r2[x]);
                dy[x] = (r2[x] + 2 * r2[x + 1] + r2[x + 2]) - (r0[x] + 2 * r0[x + 1] + r0[x + 2]);
            }
    }
}
