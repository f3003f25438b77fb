using ConvStream.Engine.Geometry;
using ConvStream.Engine.Memory;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// The resolved (padded) input rows a band of output rows needs, for every input channel: the
/// engine's one <see cref="RowRing"/> of <see cref="Slots"/> slots (equal to the dilated kernel
/// height), each slot holding one <see cref="PaddedRowLayout"/> row per channel. As output rows
/// advance, each input row is resolved once (borders in both directions settled by the border
/// mode) and reused by every output row whose window covers it.
/// </summary>
internal unsafe struct PaddedRowRing
{
    private readonly PaddedRowLayout _layout;
    private readonly int _channels, _height, _padTop, _slots;
    private readonly nint _planeStride;
    private readonly BorderMode _border;
    private readonly float* _storage;   // channels × slots × layout.Length
    private readonly nint* _rows;       // channels × slots: where each slot's row is read from
    private readonly RowRing _ring;     // which padded row each slot holds
    private readonly int* _finite;      // slots: 1 when every channel's row in the slot is finite (tracked only when asked)
    private readonly bool _trackFinite;
    private float* _image;              // the current image's channel 0 plane
    private nint* _planes;              // or, when not null, one plane per channel (0: a plane of zeros)

    /// <summary>Floats of scratch <see cref="PaddedRowRing"/> needs (pointer and tag tables included).</summary>
    public static long ScratchFloats(PaddedRowLayout layout, int channels, int slots)
        => (layout.InPlace ? layout.Length : (long)channels * slots * layout.Length) + channels * slots * 2L + 2L * slots + 48;

    /// <param name="trackFinite">Record for each row whether every channel's samples are finite (<see cref="Finite"/>).</param>
    public PaddedRowRing(PaddedRowLayout layout, int channels, int height, int padTop, BorderMode border, int slots, float* scratch, bool trackFinite = false)
    {
        _layout = layout; _channels = channels; _height = height; _padTop = padTop; _border = border; _slots = slots;
        _planeStride = (nint)height * layout.Width;
        _rows = (nint*)(((nint)scratch + 7) & ~(nint)7);
        int* tags = (int*)(_rows + channels * slots);
        _ring = new RowRing(slots, tags);
        _finite = tags + slots;
        _trackFinite = trackFinite;
        _storage = ScratchArena.Align64((float*)(_finite + slots));
        _image = null;
        _planes = null;
    }

    public int Slots => _slots;

    /// <summary>Starts on a new image (batch element): forgets every resolved row.</summary>
    public void Reset(float* image)
    {
        _image = image;
        _planes = null;
        _ring.Reset();
    }

    /// <summary>
    /// Starts on a new set of channel planes that need not be evenly spaced (conv3d reads, for
    /// each output frame, a different input frame per kernel tap in time): channel c's plane is
    /// <paramref name="planes"/>[c], or 0 for a plane that lies wholly in the zero border. The
    /// table is read, not copied: it must stay unchanged until the next reset.
    /// </summary>
    public void Reset(nint* planes)
    {
        _image = null;
        _planes = planes;
        _ring.Reset();
    }

    /// <summary>Channel <paramref name="c"/>'s plane, or null for a zero plane.</summary>
    private float* Plane(int c) => _planes != null ? (float*)_planes[c] : _image + c * _planeStride;

    /// <summary>Makes padded row <paramref name="paddedRow"/> of every channel available.</summary>
    public void Ensure(int paddedRow)
    {
        if (!_ring.Claim(paddedRow, out int slot)) return;
        int iy = BorderModes.Map(paddedRow - _padTop, _height, _border);
        int length = _layout.Length;
        bool finite = true;
        for (int c = 0; c < _channels; c++)
        {
            float* plane = Plane(c);
            float* src = iy < 0 || plane == null ? null : plane + (nint)iy * _layout.Width;
            float* dst = _storage + ((nint)c * _slots + slot) * length;
            if (_layout.InPlace && src != null) _rows[c * _slots + slot] = (nint)src;
            else
            {
                // In-place layouts keep no storage of their own, except for zero rows: those
                // share one zeroed row (slot 0's storage is never used for anything else then).
                if (_layout.InPlace) dst = _storage;
                _layout.Fill(src, dst);
                _rows[c * _slots + slot] = (nint)dst;
            }
            if (_trackFinite && finite) finite = FiniteRow.All((float*)_rows[c * _slots + slot], _layout.InPlace ? _layout.Width : length);
        }
        _finite[slot] = finite ? 1 : 0;
    }

    /// <summary>
    /// Whether every channel's samples of padded row <paramref name="paddedRow"/> are finite (no
    /// ±Inf, no NaN); call <see cref="Ensure"/> first, on a ring made with trackFinite.
    /// </summary>
    public bool Finite(int paddedRow) => _finite[_ring.SlotOf(paddedRow)] != 0;

    /// <summary>
    /// Starts loading the input row behind padded row <paramref name="paddedRow"/> of every channel
    /// into the cache, if the ring does not hold it yet. Called one output row ahead, so that the
    /// next <see cref="Ensure"/> copies from cache while this row's arithmetic hides the memory
    /// latency (a 16-channel 1080p row set is 123 KB: about as long to fetch as to compute).
    /// </summary>
    public void Prefetch(int paddedRow)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || _ring.Holds(paddedRow)) return;
        int iy = BorderModes.Map(paddedRow - _padTop, _height, _border);
        if (iy < 0) return;
        int bytes = _layout.Width * sizeof(float);
        for (int c = 0; c < _channels; c++)
        {
            float* plane = Plane(c);
            if (plane == null) continue;
            byte* src = (byte*)(plane + (nint)iy * _layout.Width);
            for (int b = 0; b < bytes; b += 64) System.Runtime.Intrinsics.X86.Sse.Prefetch0(src + b);
        }
    }

    /// <summary>The resolved padded row <paramref name="paddedRow"/> of <paramref name="channel"/>; call <see cref="Ensure"/> first.</summary>
    public float* Row(int channel, int paddedRow) => (float*)_rows[channel * _slots + _ring.SlotOf(paddedRow)];
}
