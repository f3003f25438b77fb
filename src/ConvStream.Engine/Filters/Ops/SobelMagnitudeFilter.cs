using System.Runtime.CompilerServices;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>sobel-magnitude[:norm=l2|l1][,size=3][,scale=S][,border=B]</c>: BGR (or gray) u8 → gray →
/// 3×3 Sobel dx and dy → magnitude × S → u8, fused in one pass over memory. It equals OpenCV's
/// chain <c>cvtColor(BGR2GRAY)</c> → <c>Sobel(CV_16S)</c> dx, dy → <c>magnitude</c> on float
/// (or |dx|+|dy| for L1) → <c>convertScaleAbs(alpha=S)</c>, bit for bit.
/// <para>
/// Each source row is converted to gray once, into a ring of three padded float rows (border
/// resolved there) that stays in L1; an output row is then one pass over the three cache-resident
/// rows (dx/dy, magnitude and saturation in registers). Gray values are integers, so dx, dy and dx²+dy² are exact
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
        int stride = (w + 2 + 15) & ~15;                // padded row (the kernel reads no further), rows 64-byte apart
        using var lease = ScratchArena.Rent(ScratchArena.FloatsFor<float>(3 * stride) + ScratchArena.FloatsFor<byte>(w), _settings.ScratchFloats);
        var carve = lease.Carve();
        Span<float> ringSpan = carve.Take<float>(3 * stride);
        Span<byte> gray = carve.Take<byte>(w);
        int* tags = stackalloc int[3];
        var rows = new RowRing(3, tags);
        fixed (float* ring = ringSpan)
        {
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
                fixed (byte* o = dst.Row<byte>(y))
                    RowLadder.Run(new FusedKernel(r0, r1, r2, o, _l1, _scale), w, level);
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
    /// Sobel, magnitude, scale and saturation of four vectors of pixels without leaving registers,
    /// on padded rows (index x is the left neighbour of output x): dx = [-1 0 1]·[1 2 1]ᵀ, dy its
    /// transpose. The scalar lane is <see cref="MagnitudeRow"/>'s L1/L2 and <see cref="FrameConvertRows.SaturateU8"/>;
    /// gray values are integers, so dx and dy are exact in any order of the additions.
    /// </summary>
    private readonly unsafe struct FusedKernel(float* r0, float* r1, float* r2, byte* dst, bool l1, float scale) : IRowKernel
    {
        public static int Unroll => 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            if (TOps.Count == 1)
            {
                float gx = (r0[x + 2] - r0[x]) + 2 * (r1[x + 2] - r1[x]) + (r2[x + 2] - r2[x]);
                float gy = (r2[x] + 2 * r2[x + 1] + r2[x + 2]) - (r0[x] + 2 * r0[x + 1] + r0[x + 2]);
                dst[x] = FrameConvertRows.SaturateU8((l1 ? MagnitudeRow.L1(gx, gy) : MagnitudeRow.L2(gx, gy)) * scale);
                return;
            }
            int n = TOps.Count;
            TOps.StoreNarrowing(dst + x, Magnitude<TVec, TOps>(x), Magnitude<TVec, TOps>(x + n), Magnitude<TVec, TOps>(x + 2 * n), Magnitude<TVec, TOps>(x + 3 * n));
        }

        /// <summary>One vector of outputs at x, rounded and clamped to [0, 255].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TVec Magnitude<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>
        {
            TVec a0 = TOps.Load(r0 + x), b0 = TOps.Load(r0 + x + 1), c0 = TOps.Load(r0 + x + 2);
            TVec a1 = TOps.Load(r1 + x), c1 = TOps.Load(r1 + x + 2);
            TVec a2 = TOps.Load(r2 + x), b2 = TOps.Load(r2 + x + 1), c2 = TOps.Load(r2 + x + 2);
            TVec d1 = TOps.Subtract(c1, a1);
            TVec dx = TOps.Add(TOps.Add(TOps.Subtract(c0, a0), TOps.Add(d1, d1)), TOps.Subtract(c2, a2));
            TVec dy = TOps.Subtract(TOps.Add(TOps.Add(TOps.Add(a2, b2), b2), c2), TOps.Add(TOps.Add(TOps.Add(a0, b0), b0), c0));
            TVec m = l1 ? TOps.Add(TOps.Abs(dx), TOps.Abs(dy)) : TOps.Sqrt(TOps.FusedMultiplyAdd(dx, dx, TOps.Multiply(dy, dy)));
            return FrameConvertRows.Saturate<TVec, TOps>(TOps.Multiply(m, TOps.Broadcast(scale)), TOps.Broadcast(0f), TOps.Broadcast(255f));
        }
    }
}
