using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Kernels;

/// <summary>
/// The generic 2-D filter engine (<c>cv2.filter2D</c> of one KH×KW kernel on every channel), as OpenCV's filter
/// engine is built: each input row is converted to float once, padded left and right by the
/// border rule, and kept in a ring of KH rows that stays in cache; an output row is then a sum
/// of shifted padded rows (<see cref="TapAccumulator"/>), so the hot loop never sees a border.
/// <para>
/// A per-channel kernel on an interleaved frame treats a row as a flat array of W·C samples and
/// puts the taps C samples apart, so BGR costs no shuffling. (A multi-channel kernel, Cin → Cout,
/// is a CNN layer and runs through conv2d's engine instead: the <c>conv</c> stage's
/// <c>MultiChannelConvStage</c>.) Row bands run on the settings' cores; each band fills its
/// own ring (KH−1 rows are converted twice at band edges).
/// </para>
/// </summary>
public sealed unsafe class Filter2D
{
    private readonly Filter2DKernel _k;
    private readonly ExecutionSettings _settings;
    // Non-zero taps in (ky, kx) order: OpenCV skips zero coefficients and FMAs the rest in
    // row-major order; doing the same keeps us bit-exact with it.
    private readonly int[] _tapKy, _tapKx;
    private readonly float[] _tapW;

    /// <param name="settings">SIMD level and threads of every call; <see cref="ExecutionSettings.Default"/> when null.</param>
    public Filter2D(Filter2DKernel kernel, ExecutionSettings? settings = null)
    {
        if (!kernel.PerChannel) throw new ArgumentException("Filter2D runs one 2-D kernel on every channel; a multi-channel kernel is a conv2d layer", nameof(kernel));
        _settings = settings ?? ExecutionSettings.Default;
        _k = kernel;
        var ky = new List<int>(); var kx = new List<int>(); var w = new List<float>();
        for (int y = 0; y < kernel.KH; y++)
            for (int x = 0; x < kernel.KW; x++)
            {
                float v = kernel.Weight(0, 0, y, x);
                if (v == 0f) continue;
                ky.Add(y); kx.Add(x); w.Add(v);
            }
        _tapKy = ky.ToArray(); _tapKx = kx.ToArray(); _tapW = w.ToArray();

        // Row-pair entries (at Vector512): input row d = 0..KH of the pair's window weighs into
        // row y by K[d][kx] and into row y+1 by K[d−1][kx].
        {
            var pd = new List<int>(); var pkx = new List<int>(); var pw0 = new List<float>(); var pw1 = new List<float>(); var pk = new List<byte>();
            for (int d = 0; d <= kernel.KH; d++)
                for (int x = 0; x < kernel.KW; x++)
                {
                    float a = d < kernel.KH ? kernel.Weight(0, 0, d, x) : 0f;
                    float b = d >= 1 ? kernel.Weight(0, 0, d - 1, x) : 0f;
                    if (a == 0f && b == 0f) continue;
                    pd.Add(d); pkx.Add(x); pw0.Add(a); pw1.Add(b);
                    pk.Add((byte)(a != 0f && b != 0f ? 2 : a != 0f ? 0 : 1));
                }
            _pairD = pd.ToArray(); _pairKx = pkx.ToArray(); _pairW0 = pw0.ToArray(); _pairW1 = pw1.ToArray(); _pairKind = pk.ToArray();
        }
    }

    private readonly int[] _pairD = [], _pairKx = [];
    private readonly float[] _pairW0 = [], _pairW1 = [];
    private readonly byte[] _pairKind = [];

    public Filter2DKernel Kernel => _k;

    /// <summary>Filters <paramref name="src"/> into <paramref name="dst"/> (same size and channels; any depth).</summary>
    public void Apply(Frame src, Frame dst)
    {
        if (dst.Width != src.Width || dst.Height != src.Height || dst.Channels != src.Channels)
            throw new ConvStreamException($"filter output {dst.ShapeText} does not match input {src.ShapeText}");
        long work = (long)src.Width * dst.Channels * Math.Max(1, _tapW.Length);
        _settings.For(src.Height, work, (filter: this, src, dst, _settings.Level),
            static (c, y0, y1) => c.filter.Band(c.src, c.dst, y0, y1, c.Level));
    }

    private void Band(Frame src, Frame dst, int y0, int y1, SimdLevel level)
    {
        int w = src.Width, h = src.Height, c = src.Channels;
        int kh = _k.KH, kw = _k.KW, ax = _k.AnchorX, ay = _k.AnchorY;
        int unit = c;                                   // samples between horizontally adjacent taps
        int rowLen = (w + kw - 1) * unit;               // padded row, in samples
        int slotStride = (rowLen + TapAccumulator.Slack + 15) & ~15;
        int n = w * unit;                               // outputs per accumulated row

        int ringRows = kh + 1;                          // one spare row so two output rows can be made at once
        bool pairs = level == SimdLevel.V512;
        int outStride = (dst.RowLength + TapAccumulator.Slack + 15) & ~15;
        int tapCount = Math.Max(_tapW.Length, _pairW0.Length) + 1;
        using var lease = ScratchArena.Rent(ScratchArena.FloatsFor<float>(slotStride * ringRows) + ScratchArena.FloatsFor<float>(2 * outStride)
            + ScratchArena.FloatsFor<nint>(tapCount) + ScratchArena.FloatsFor<int>(ringRows), _settings.ScratchFloats);
        var carve = lease.Carve();
        Span<float> ringSpan = carve.Take<float>(slotStride * ringRows), outSpan = carve.Take<float>(2 * outStride);
        Span<nint> tapSpan = carve.Take<nint>(tapCount);
        Span<int> tagSpan = carve.Take<int>(ringRows);

        fixed (float* ring = ringSpan, outRow = outSpan, tapW = _tapW, pw0 = _pairW0, pw1 = _pairW1)
        fixed (byte* pkind = _pairKind)
        fixed (nint* taps = tapSpan)
        fixed (int* tags = tagSpan)
        {
            var rows = new RowRing(ringRows, tags);
            for (int y = y0; y < y1; y++)
            {
                bool pair = pairs && y + 1 < y1;
                // Bring rows y−ay … y−ay+KH−1 (and one more for a pair) into the ring (in steady state: one or two new rows).
                for (int dy = 0; dy < (pair ? kh + 1 : kh); dy++)
                {
                    int v = y - ay + dy;
                    if (rows.Claim(v, out int slot)) FillSlot(src, v, ring + slot * slotStride);
                }
                if (pair)
                {
                    for (int e = 0; e < _pairD.Length; e++)
                    {
                        int slot = rows.SlotOf(y - ay + _pairD[e]);
                        taps[e] = (nint)(ring + slot * slotStride + _pairKx[e] * unit);
                    }
                    TapAccumulator.RunPair((float**)taps, pw0, pw1, pkind, _pairD.Length, _k.Bias[0], outRow, outRow + outStride, n, level);
                    FrameConvert.FloatToRow(new ReadOnlySpan<float>(outRow, dst.RowLength), dst, y, _settings.Level);
                    FrameConvert.FloatToRow(new ReadOnlySpan<float>(outRow + outStride, dst.RowLength), dst, y + 1, _settings.Level);
                    y++;
                    continue;
                }

                for (int t = 0; t < _tapW.Length; t++)
                {
                    int slot = rows.SlotOf(y - ay + _tapKy[t]);
                    taps[t] = (nint)(ring + slot * slotStride + _tapKx[t] * unit);
                }
                TapAccumulator.Run((float**)taps, tapW, _tapW.Length, _k.Bias[0], outRow, n, level);
                FrameConvert.FloatToRow(new ReadOnlySpan<float>(outRow, dst.RowLength), dst, y, _settings.Level);
            }
        }
    }

    /// <summary>Converts source row <c>Map(v)</c> to float into a ring slot, padded by the border rule.</summary>
    private void FillSlot(Frame src, int v, float* slot)
    {
        int w = src.Width, c = src.Channels, kw = _k.KW, ax = _k.AnchorX;
        int sy = BorderModes.Map(v, src.Height, _k.Border);
        int rowLen = (w + kw - 1) * c;
        if (sy < 0) { new Span<float>(slot, rowLen).Clear(); return; }
        FrameConvert.RowToFloat(src, sy, new Span<float>(slot + ax * c, w * c), _settings.Level);
        for (int i = 0; i < kw - 1; i++)
        {
            int xo = i < ax ? i - ax : w + (i - ax);          // outside column, left then right
            int xs = BorderModes.Map(xo, w, _k.Border);
            float* d = slot + (xo + ax) * c;
            for (int ch = 0; ch < c; ch++) d[ch] = xs < 0 ? 0f : slot[(xs + ax) * c + ch];
        }
    }

    /// <summary>Multiply-adds per output frame (non-zero taps only).</summary>
    public long MultiplyAdds(int width, int height, int frameChannels) => (long)width * height * frameChannels * _tapW.Length;
}
