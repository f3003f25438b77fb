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
/// Scratch (row buffer, ring, sums) is pooled per engine: <see cref="Apply"/> allocates nothing
/// in steady state and may run concurrently on different frames.
/// </summary>
internal sealed class SeparableEngine
{
    private readonly SeparableKernel _kernel;
    private readonly BorderMode _border;
    private readonly bool _gaussian;
    private readonly ExecutionSettings _settings;
    private readonly ObjectStack<BandScratch> _scratch = new();
    private readonly ObjectStack<BandJob> _jobs = new();

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
        if (!_jobs.TryPop(out var job)) job = new BandJob(this);
        job.Source = source;
        job.Destination = destination;
        try
        {
            long workPerRow = (long)source.RowLength * (_kernel.Width + _kernel.Height) * _kernel.TermCount;
            _settings.For(source.Height, workPerRow, job.Body);
        }
        finally
        {
            job.Source = job.Destination = null;
            _jobs.Push(job);
        }
    }

    /// <summary>Per-call state with a delegate made once, so a call allocates no closure.</summary>
    private sealed class BandJob
    {
        private readonly SeparableEngine _engine;
        public Frame? Source, Destination;
        public readonly Action<int, int> Body;
        public BandJob(SeparableEngine engine) { _engine = engine; Body = Run; }
        private void Run(int y0, int y1) => _engine.RunBand(Source!, Destination!, y0, y1);
    }

    private void RunBand(Frame src, Frame dst, int y0, int y1)
    {
        BandScratch? s = null;
        // A scratch of another frame size is dropped: formats change rarely (a new stream).
        while (_scratch.TryPop(out var candidate))
        {
            if (candidate.Fits(src)) { s = candidate; break; }
        }
        s ??= new BandScratch(_kernel, _border, src.Width, src.Channels);
        try
        {
            RunBand(src, dst, y0, y1, s);
        }
        finally
        {
            _scratch.Push(s);
        }
    }

    private unsafe void RunBand(Frame src, Frame dst, int y0, int y1, BandScratch s)
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

            // Point the column taps at the ring rows holding top .. top+kh−1 of every term.
            int n = 0;
            for (int t = 0; t < k.TermCount; t++)
                foreach (var tap in s.ColumnTemplates[t])
                {
                    var live = tap;
                    live.A = s.RingOffset(t, rows.SlotOf(top + tap.A));
                    live.B = s.RingOffset(t, rows.SlotOf(top + tap.B));
                    s.ColumnTaps[n++] = live;
                }
            ushort* ring = s.RingPointer;
            var outRow = dst.RowSpan(y);
            byte* outBytes = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(outRow));

            if (_gaussian)
                SeparablePasses.GaussianColumn(ring, outBytes, length, s.ColumnTaps, level);
            else if (s.DirectShort)
                SeparablePasses.Column(ring, (ushort*)outBytes, length, s.ColumnTaps, s.Bias, level);
            else if (s.Division is { } division)
            {
                // Box average as OpenCV's ColumnSum: a running sum of KH−1 rows (made once per band),
                // plus the newest row, divided, less the oldest: O(1) per pixel whatever the size.
                ushort* newest = ring + s.RingOffset(0, rows.SlotOf(top + kh - 1)), oldest = ring + s.RingOffset(0, rows.SlotOf(top));
                if (y == y0) SeparablePasses.Column(ring, s.Sums16Pointer, length, s.RunningStart(rows, top), 0, level);
                SeparablePasses.BoxColumn(newest, oldest, s.Sums16Pointer, outBytes, length, division, level);
            }
            else if (s.Narrow)
            {
                SeparablePasses.Column(ring, s.Sums16Pointer, length, s.ColumnTaps, 0, level);
                var wide = s.Sums32.AsSpan(0, length);
                if (k.UnsignedRows) for (int i = 0; i < length; i++) wide[i] = s.Sums16[i];
                else for (int i = 0; i < length; i++) wide[i] = (short)s.Sums16[i];
                k.Conversion.Convert(wide, outRow);
            }
            else if (s.RunningWide is { } running)
            {
                // A box whose sums need 32 bits: the same running sum, in ints.
                var newest = s.Ring.AsSpan(s.RingOffset(0, rows.SlotOf(top + kh - 1)), length);
                var oldest = s.Ring.AsSpan(s.RingOffset(0, rows.SlotOf(top)), length);
                var sums = s.Sums32.AsSpan(0, length);
                if (y == y0) SeparablePasses.ColumnWide(s.Ring, running, length, s.RunningStart(rows, top), unsignedRows: true);
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
                SeparablePasses.ColumnWide(s.Ring, s.Sums32, length, s.ColumnTaps, k.UnsignedRows);
                k.Conversion.Convert(s.Sums32.AsSpan(0, length), outRow);
            }
        }
    }

    /// <summary>Pads source row <paramref name="v"/> (a virtual index, mapped through the border) and runs every term's row pass into ring slot <paramref name="slot"/>.</summary>
    private unsafe void FilterRow(Frame src, int v, int height, BandScratch s, int slot)
    {
        var k = _kernel;
        int length = src.RowLength;
        int m = BorderModes.Map(v, height, _border);
        if (m < 0)
        {
            for (int t = 0; t < k.TermCount; t++) s.Ring.AsSpan(s.RingOffset(t, slot), length).Clear();
            return;
        }
        var row = src.RowSpan(m);
        int c = src.Channels, left = k.AnchorX * c;
        var padded = s.Padded;
        row.CopyTo(padded.AsSpan(left));
        // Only the border columns need the map; the interior was one copy.
        foreach (var (at, x) in s.BorderColumns)
        {
            if (x < 0) padded.AsSpan(at, c).Clear();
            else row.Slice(x * c, c).CopyTo(padded.AsSpan(at, c));
        }
        for (int t = 0; t < k.TermCount; t++)
            SeparablePasses.Row(s.PaddedPointer, s.RingPointer + s.RingOffset(t, slot), length, s.RowTaps[t], _settings.Level);
    }

    /// <summary>One band's buffers, sized for one frame format.</summary>
    private sealed unsafe class BandScratch
    {
        private readonly int _width, _channels, _rowStride, _kh;

        public BandScratch(SeparableKernel k, BorderMode borderMode, int width, int channels)
        {
            _width = width;
            _channels = channels;
            _kh = k.Height;
            int length = width * channels;
            _rowStride = (length + 31) & ~31;
            // Pinned, so the passes take pointers to them.
            Padded = GC.AllocateArray<byte>((width + k.Width - 1) * channels, pinned: true);
            var border = new List<(int, int)>();
            for (int j = 0; j < width + k.Width - 1; j++)
            {
                int x = j - k.AnchorX;
                if ((uint)x >= (uint)width) border.Add((j * channels, BorderModes.Map(x, width, borderMode)));
            }
            BorderColumns = border.ToArray();
            Ring = GC.AllocateArray<ushort>(k.TermCount * _kh * _rowStride, pinned: true);
            _tags = GC.AllocateArray<int>(_kh, pinned: true);
            RowTaps = k.Rows.Select(r => Tap.Fold(r, channels)).ToArray();
            ColumnTemplates = k.Columns.Select(col => Tap.Fold(col, 1)).ToArray();
            ColumnTaps = new Tap[ColumnTemplates.Sum(a => a.Length)];
            Sums16 = GC.AllocateArray<ushort>(Math.Max(length, 1), pinned: true);
            Sums32 = new int[Math.Max(length, 1)];

            var conversion = k.Conversion as ScaledConversion;
            long limit = k.UnsignedRows ? 65535 : 32767;
            Narrow = k.SumBound <= limit;
            DirectShort = !k.UnsignedRows && conversion is { Depth: PixelDepth.S16, IsIntegerShift: true }
                          && k.SumBound + Math.Abs((long)conversion.Delta) <= 32767;
            Bias = DirectShort ? (ushort)(short)conversion!.Delta : (ushort)0;
            // Sums ≤ 65280 plus δ ≤ 129 still fit 16 bits.
            Division = k.Conversion is BoxDivision d && k.UnsignedRows && k.SumBound <= 65280 && IsBox(k) ? d : null;
            // A box that is neither the 16-bit division nor a narrow sum keeps a 32-bit running sum.
            RunningWide = Division is null && !Narrow && IsBox(k) ? new int[Math.Max(length, 1)] : null;
            _start = new Tap[Math.Max(_kh - 1, 1)];
        }

        /// <summary>One term of all-ones unsigned taps whose column sums can run: the box filter.</summary>
        private static bool IsBox(SeparableKernel k)
            => k.TermCount == 1 && k.UnsignedRows && k.Height >= 2 && k.Columns[0].All(c => c == 1) && k.Rows[0].All(c => c == 1);

        private readonly Tap[] _start;

        /// <summary>Taps summing the ring rows top .. top+KH−2: the running box sum at a band's first row.</summary>
        public Tap[] RunningStart(RowRing rows, int top)
        {
            for (int i = 0; i < _kh - 1; i++)
                _start[i] = new Tap { A = RingOffset(0, rows.SlotOf(top + i)), Coefficient = 1, Kind = TapKind.Single };
            return _start;
        }

        /// <summary>The 32-bit running column sums of a wide box (<see cref="RunningStart"/>), or null.</summary>
        public int[]? RunningWide { get; }

        public byte[] Padded { get; }
        public byte* PaddedPointer => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Padded));
        /// <summary>Each padded column outside the row: its offset in the padded buffer and the source column it copies (−1 for zero).</summary>
        public (int At, int Source)[] BorderColumns { get; }
        public ushort[] Ring { get; }
        public ushort* RingPointer => (ushort*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Ring));
        private readonly int[] _tags;
        /// <summary>The <see cref="RowRing"/>'s tags: which source row each ring slot holds (pinned, so a pointer may be kept).</summary>
        public int* Tags => (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_tags));
        public Tap[][] RowTaps { get; }
        /// <summary>Column taps with A/B as kernel row indices; made absolute per output row into <see cref="ColumnTaps"/>.</summary>
        public Tap[][] ColumnTemplates { get; }
        /// <summary>The live column taps of the current output row (every row has the same count).</summary>
        public Tap[] ColumnTaps { get; }
        public ushort[] Sums16 { get; }
        public ushort* Sums16Pointer => (ushort*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Sums16));
        public int[] Sums32 { get; }
        /// <summary>Every sum fits 16 bits, so the column pass may wrap.</summary>
        public bool Narrow { get; }
        /// <summary>s16 output of <c>sum + delta</c> that cannot saturate: the column pass writes the frame directly.</summary>
        public bool DirectShort { get; }
        public ushort Bias { get; }
        /// <summary>A normalised 8-bit box: its division runs vectorised after the column pass.</summary>
        public BoxDivision? Division { get; }

        public bool Fits(Frame f) => f.Width == _width && f.Channels == _channels;

        /// <summary>Where ring slot <paramref name="slot"/> of term <paramref name="term"/> starts.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int RingOffset(int term, int slot) => (term * _kh + slot) * _rowStride;
    }
}
