using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// Runs a <see cref="SeparableKernel"/> over 8-bit frames, as OpenCV's filter engine does: each
/// source row is border-padded once into a row buffer, filtered along x into a ring of
/// <c>KH</c> 16-bit rows that stays in cache, and every output row is one column pass over the
/// ring. Rows are split into bands across the settings' cores; a band recomputes
/// the few ring rows it shares with its neighbour, so the result is the same for any split.
/// A band's buffers (row buffer, ring, sums) are a lease on its thread's <see cref="ScratchArena"/>;
/// what depends only on the frame format (border columns, taps) is made once per format and shared:
/// <see cref="Apply"/> allocates nothing in steady state and may run concurrently on different frames.
/// </summary>
internal sealed class SeparableEngine
{
    private readonly SeparableKernel _kernel;
    private readonly BorderMode _border;
    private readonly bool _gaussian;
    private readonly ExecutionSettings _settings;
    /// <summary>The layout of the last frame format seen (formats change rarely: a new stream).</summary>
    private BandLayout? _layout;

    /// <param name="settings">SIMD level and threads of every call; <see cref="ExecutionSettings.Default"/> when null.</param>
    public SeparableEngine(SeparableKernel kernel, BorderMode border, ExecutionSettings? settings = null)
    {
        _settings = settings ?? ExecutionSettings.Default;
        _kernel = kernel;
        _border = border;
        if (kernel.RowBound > (kernel.UnsignedRows ? 65535 : 32767))
            throw new ArgumentException("row sums of this kernel do not fit 16 bits", nameof(kernel));
        _gaussian = kernel.Conversion is GaussianRounding;
        if (_gaussian && (kernel.TermCount != 1 || kernel.Rows[0].Sum() != 256 || kernel.Columns[0].Sum() != 256
                          || kernel.Rows[0].Any(k => k < 0) || kernel.Columns[0].Any(k => k < 0)))
            throw new ArgumentException("the Gaussian path needs one non-negative term with taps summing to 256", nameof(kernel));
    }

    public SeparableKernel Kernel => _kernel;
    public BorderMode Border => _border;

    /// <summary>Filters <paramref name="source"/> (u8) into <paramref name="destination"/> (same size and channels, the conversion's depth).</summary>
    public void Apply(Frame source, Frame destination)
    {
        if (source.Depth != PixelDepth.U8)
            throw new ConvStreamException($"separable filter input must be u8, not {source.Depth.Name()}");
        if (destination.Width != source.Width || destination.Height != source.Height || destination.Channels != source.Channels
            || destination.Depth != _kernel.Conversion.Depth)
            throw new ConvStreamException($"separable filter output {destination.ShapeText} does not match input {source.ShapeText} at depth {_kernel.Conversion.Depth.Name()}");
        var layout = _layout;
        if (layout is null || !layout.Fits(source)) _layout = layout = new BandLayout(_kernel, _border, source.Width, source.Channels);
        long workPerRow = (long)source.RowLength * (_kernel.Width + _kernel.Height) * _kernel.TermCount;
        _settings.For(source.Height, workPerRow, (Engine: this, Source: source, Destination: destination, Layout: layout),
            static (c, y0, y1) => c.Engine.RunBand(c.Source, c.Destination, c.Layout, y0, y1));
    }

    private void RunBand(Frame src, Frame dst, BandLayout layout, int y0, int y1)
    {
        using var lease = ScratchArena.Rent(layout.ScratchFloats, _settings.ScratchFloats);
        RunBand(src, dst, y0, y1, new BandScratch(layout, lease));
    }

    private unsafe void RunBand(Frame src, Frame dst, int y0, int y1, scoped BandScratch s)
    {
        var k = _kernel;
        var level = _settings.Level;
        int kh = k.Height, length = src.RowLength, height = src.Height;
        // The band fills its own ring (its first KH−1 rows are its neighbour's last, computed again).
        var rows = new RowRing(kh, s.Tags);
        for (int y = y0; y < y1; y++)
        {
            int top = y - k.AnchorY;
            for (int v = top; v < top + kh; v++)
                if (rows.Claim(v, out int slot)) FilterRow(src, v, height, s, slot);

            // The column taps pointing at the ring rows holding top .. top+kh−1 of every term.
            var columnTaps = s.ColumnTaps(rows.SlotOf(top));
            // The band's buffers are a lease on the thread's pinned arena, and frames never move.
            ushort* ring = Pointer(s.Ring);
            var outRow = dst.RowSpan(y);
            byte* outBytes = Pointer(outRow);

            if (_gaussian)
                SeparablePasses.GaussianColumn(ring, outBytes, length, columnTaps, level);
            else if (s.DirectShort)
                SeparablePasses.Column(ring, (ushort*)outBytes, length, columnTaps, s.Bias, level);
            else if (s.Division is { } division)
            {
                // Box average as OpenCV's ColumnSum: a running sum of KH−1 rows (made once per band),
                // plus the newest row, divided, less the oldest: O(1) per pixel whatever the size.
                ushort* newest = ring + s.RingOffset(0, rows.SlotOf(top + kh - 1)), oldest = ring + s.RingOffset(0, rows.SlotOf(top));
                if (y == y0) SeparablePasses.Column(ring, Pointer(s.Sums16), length, s.RunningStart(rows.SlotOf(top)), 0, level);
                SeparablePasses.BoxColumn(newest, oldest, Pointer(s.Sums16), outBytes, length, division, level);
            }
            else if (s.Narrow)
            {
                SeparablePasses.Column(ring, Pointer(s.Sums16), length, columnTaps, 0, level);
                var wide = s.Sums32[..length];
                if (k.UnsignedRows) for (int i = 0; i < length; i++) wide[i] = s.Sums16[i];
                else for (int i = 0; i < length; i++) wide[i] = (short)s.Sums16[i];
                k.Conversion.Convert(wide, outRow);
            }
            else if (s.RunningWide)
            {
                // A box whose sums need 32 bits: the same running sum, in ints.
                var newest = s.Ring.Slice(s.RingOffset(0, rows.SlotOf(top + kh - 1)), length);
                var oldest = s.Ring.Slice(s.RingOffset(0, rows.SlotOf(top)), length);
                var sums = s.Sums32[..length];
                var running = s.Running32[..length];
                if (y == y0) SeparablePasses.ColumnWide(s.Ring, running, length, s.RunningStart(rows.SlotOf(top)), unsignedRows: true);
                for (int i = 0; i < sums.Length; i++)
                {
                    int sum = running[i] + newest[i];
                    sums[i] = sum;
                    running[i] = sum - oldest[i];
                }
                k.Conversion.Convert(sums, outRow);
            }
            else
            {
                SeparablePasses.ColumnWide(s.Ring, s.Sums32, length, columnTaps, k.UnsignedRows);
                k.Conversion.Convert(s.Sums32[..length], outRow);
            }
        }
    }

    private static unsafe T* Pointer<T>(Span<T> pinned) where T : unmanaged => (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(pinned));

    /// <summary>Pads source row <paramref name="v"/> (a virtual index, mapped through the border) and runs every term's row pass into ring slot <paramref name="slot"/>.</summary>
    private unsafe void FilterRow(Frame src, int v, int height, scoped BandScratch s, int slot)
    {
        var k = _kernel;
        int length = src.RowLength;
        int m = BorderModes.Map(v, height, _border);
        if (m < 0)
        {
            for (int t = 0; t < k.TermCount; t++) s.Ring.Slice(s.RingOffset(t, slot), length).Clear();
            return;
        }
        var row = src.RowSpan(m);
        int c = src.Channels, left = k.AnchorX * c;
        var padded = s.Padded;
        row.CopyTo(padded[left..]);
        // Only the border columns need the map; the interior was one copy.
        foreach (var (at, x) in s.BorderColumns)
        {
            if (x < 0) padded.Slice(at, c).Clear();
            else row.Slice(x * c, c).CopyTo(padded.Slice(at, c));
        }
        for (int t = 0; t < k.TermCount; t++)
            SeparablePasses.Row(Pointer(padded), Pointer(s.Ring) + s.RingOffset(t, slot), length, s.RowTaps[t], _settings.Level);
    }

    /// <summary>
    /// What every band of one frame format shares, made once per format: the border columns, the
    /// taps, the path flags, and the column taps of every ring phase (the ring row a tap reads
    /// depends on the output row only through its slot, top mod KH).
    /// </summary>
    private sealed class BandLayout
    {
        private readonly int _width, _channels, _kh;
        private readonly Tap[][] _columnTaps;

        public BandLayout(SeparableKernel k, BorderMode borderMode, int width, int channels)
        {
            _width = width;
            _channels = channels;
            _kh = k.Height;
            int length = width * channels;
            RowStride = (length + 31) & ~31;
            PaddedLength = (width + k.Width - 1) * channels;
            var border = new List<(int, int)>();
            for (int j = 0; j < width + k.Width - 1; j++)
            {
                int x = j - k.AnchorX;
                if ((uint)x >= (uint)width) border.Add((j * channels, BorderModes.Map(x, width, borderMode)));
            }
            BorderColumns = border.ToArray();
            RingLength = k.TermCount * _kh * RowStride;
            SumsLength = Math.Max(length, 1);
            RowTaps = k.Rows.Select(r => Tap.Fold(r, channels)).ToArray();
            var templates = k.Columns.Select(col => Tap.Fold(col, 1)).ToArray();
            _columnTaps = new Tap[_kh][];
            for (int top = 0; top < _kh; top++)
            {
                var live = new List<Tap>();
                for (int t = 0; t < k.TermCount; t++)
                    foreach (var tap in templates[t])
                    {
                        var at = tap;
                        at.A = RingOffset(t, (top + tap.A) % _kh);
                        at.B = RingOffset(t, (top + tap.B) % _kh);
                        live.Add(at);
                    }
                _columnTaps[top] = live.ToArray();
            }

            var conversion = k.Conversion as ScaledConversion;
            long limit = k.UnsignedRows ? 65535 : 32767;
            Narrow = k.SumBound <= limit;
            DirectShort = !k.UnsignedRows && conversion is { Depth: PixelDepth.S16, IsIntegerShift: true }
                          && k.SumBound + Math.Abs((long)conversion.Delta) <= 32767;
            Bias = DirectShort ? (ushort)(short)conversion!.Delta : (ushort)0;
            // Sums ≤ 65280 plus δ ≤ 129 still fit 16 bits.
            Division = k.Conversion is BoxDivision d && k.UnsignedRows && k.SumBound <= 65280 && IsBox(k) ? d : null;
            // A box that is neither the 16-bit division nor a narrow sum keeps a 32-bit running sum.
            RunningWide = Division is null && !Narrow && IsBox(k);
            // The running sum's start at a band's first row: the ring rows top .. top+KH−2.
            _runningStart = new Tap[_kh][];
            for (int top = 0; top < _kh; top++)
                _runningStart[top] = Enumerable.Range(0, _kh - 1)
                    .Select(i => new Tap { A = RingOffset(0, (top + i) % _kh), Coefficient = 1, Kind = TapKind.Single }).ToArray();
            ScratchFloats = ScratchArena.FloatsFor<byte>(PaddedLength) + ScratchArena.FloatsFor<ushort>(RingLength)
                + ScratchArena.FloatsFor<int>(_kh) + ScratchArena.FloatsFor<ushort>(SumsLength) + ScratchArena.FloatsFor<int>(SumsLength)
                + (RunningWide ? ScratchArena.FloatsFor<int>(SumsLength) : 0);
        }

        private readonly Tap[][] _runningStart;

        /// <summary>One term of all-ones unsigned taps, at least two rows tall: the box filter, whose column sums can run.</summary>
        private static bool IsBox(SeparableKernel k)
            => k.TermCount == 1 && k.UnsignedRows && k.Height >= 2 && k.Columns[0].All(c => c == 1) && k.Rows[0].All(c => c == 1);

        /// <summary>A box whose sums need 32 bits: its running column sums are ints (<see cref="BandScratch.Running32"/>).</summary>
        public bool RunningWide { get; }

        /// <summary>Taps summing the KH−1 ring rows from slot <paramref name="topSlot"/>: a band's first running box sum.</summary>
        public Tap[] RunningStart(int topSlot) => _runningStart[topSlot];

        public int RowStride { get; }
        public int PaddedLength { get; }
        public int RingLength { get; }
        public int SumsLength { get; }
        public int RingSlots => _kh;
        /// <summary>Floats of one band's lease (every buffer of <see cref="BandScratch"/>).</summary>
        public long ScratchFloats { get; }
        /// <summary>Each padded column outside the row: its offset in the padded buffer and the source column it copies (−1 for zero).</summary>
        public (int At, int Source)[] BorderColumns { get; }
        public Tap[][] RowTaps { get; }
        /// <summary>Every sum fits 16 bits, so the column pass may wrap.</summary>
        public bool Narrow { get; }
        /// <summary>s16 output of <c>sum + delta</c> that cannot saturate: the column pass writes the frame directly.</summary>
        public bool DirectShort { get; }
        public ushort Bias { get; }
        /// <summary>A normalised 8-bit box of at most 256 pixels: a 16-bit running column sum with the division fused in.</summary>
        public BoxDivision? Division { get; }

        public bool Fits(Frame f) => f.Width == _width && f.Channels == _channels;

        /// <summary>The column taps of every term for an output row whose window starts in ring slot <paramref name="topSlot"/>.</summary>
        public Tap[] ColumnTaps(int topSlot) => _columnTaps[topSlot];

        /// <summary>Where ring slot <paramref name="slot"/> of term <paramref name="term"/> starts.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int RingOffset(int term, int slot) => (term * _kh + slot) * RowStride;
    }

    /// <summary>One band's buffers, carved from its lease, with its format's <see cref="BandLayout"/>.</summary>
    private readonly unsafe ref struct BandScratch
    {
        private readonly BandLayout _layout;

        public BandScratch(BandLayout layout, in ScratchLease lease)
        {
            _layout = layout;
            var carve = lease.Carve();
            Padded = carve.Take<byte>(layout.PaddedLength);
            Ring = carve.Take<ushort>(layout.RingLength);
            Tags = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(carve.Take<int>(layout.RingSlots)));
            Sums16 = carve.Take<ushort>(layout.SumsLength);
            Sums32 = carve.Take<int>(layout.SumsLength);
            Running32 = layout.RunningWide ? carve.Take<int>(layout.SumsLength) : default;
        }

        public Span<byte> Padded { get; }
        public Span<ushort> Ring { get; }
        /// <summary>The <see cref="RowRing"/>'s tags: which source row each ring slot holds.</summary>
        public int* Tags { get; }
        public Span<ushort> Sums16 { get; }
        public Span<int> Sums32 { get; }
        /// <summary>A wide box's running column sums (empty otherwise).</summary>
        public Span<int> Running32 { get; }
        public bool RunningWide => _layout.RunningWide;
        public Tap[] RunningStart(int topSlot) => _layout.RunningStart(topSlot);
        public (int At, int Source)[] BorderColumns => _layout.BorderColumns;
        public Tap[][] RowTaps => _layout.RowTaps;
        public bool Narrow => _layout.Narrow;
        public bool DirectShort => _layout.DirectShort;
        public ushort Bias => _layout.Bias;
        public BoxDivision? Division => _layout.Division;
        public Tap[] ColumnTaps(int topSlot) => _layout.ColumnTaps(topSlot);
        public int RingOffset(int term, int slot) => _layout.RingOffset(term, slot);
    }
}
