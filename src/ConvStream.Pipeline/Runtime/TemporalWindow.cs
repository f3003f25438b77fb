using ConvStream.Engine.Filters;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;

namespace ConvStream.Pipeline.Runtime;

/// <summary>
/// The frames a temporal stage reads around the one it answers for: <see cref="Past"/> before
/// it, <see cref="Future"/> after. It holds references to the input's pooled frames (never
/// copies: each is released once no window needs it) and hands out windows in time order, each
/// for the next frame once the frames after it have arrived. A window that reaches before the
/// first frame of a segment, or (at <see cref="Flush"/>) after its last, is completed by the
/// border rule: <c>replicate</c> repeats the segment's first or last frame (the same reference),
/// <c>zeros</c> uses one black frame rented once. A segment is a run of consecutive frame
/// indices: a gap (a frame dropped upstream, live) ends it, so no window ever spans a gap.
/// </summary>
internal sealed class TemporalWindow : IDisposable
{
    private readonly PooledFrame?[] _ring;       // frame index i lives at i mod length
    private readonly BorderMode _border;
    private readonly FramePool _pool;
    private readonly FrameFormat _format;
    private PooledFrame? _zero;
    private long _first = -1, _last = -1;       // the segment's first and last frame index; −1: empty
    private long _next;                          // the next frame to answer for

    public TemporalWindow(int past, int future, BorderMode border, FramePool pool, FrameFormat format)
    {
        Past = past; Future = future; _border = border; _pool = pool; _format = format;
        _ring = new PooledFrame?[past + future + 1];
        Frames = new Frame[past + future + 1];
    }

    public int Past { get; }
    public int Future { get; }
    public int Span => _ring.Length;

    /// <summary>The last window handed out, oldest first (valid until the next call).</summary>
    public Frame[] Frames { get; }

    /// <summary>Frames in the longest segment so far: fewer than <see cref="Span"/> means every window was completed by the border rule.</summary>
    public long LongestSegment { get; private set; }

    /// <summary>Whether <paramref name="index"/> does not follow the segment's last frame (a gap, or the first frame).</summary>
    public bool Breaks(long index) => _last >= 0 && index != _last + 1;

    /// <summary>
    /// Takes over <paramref name="frame"/>'s reference. It must follow the segment's last frame:
    /// on a gap, call <see cref="Flush"/> until it returns null first.
    /// </summary>
    public void Push(PooledFrame frame)
    {
        long index = frame.Stamp.Index;
        if (Breaks(index)) throw new InvalidOperationException($"frame {index} does not follow frame {_last}: flush the segment first");
        if (_last < 0) { _first = index; _next = index; }
        _last = index;
        LongestSegment = Math.Max(LongestSegment, _last - _first + 1);
        ref var slot = ref _ring[Slot(index)];
        slot?.Release(); // a frame no window needs any more (Past + Future + 1 behind)
        slot = frame;
    }

    /// <summary>The next window whose frames have all arrived, or null: the frame it answers for.</summary>
    public PooledFrame? Next() => _last >= 0 && _next + Future <= _last ? Take() : null;

    /// <summary>
    /// The next window of a segment that has ended (the end of the stream, or a gap), its future
    /// completed by the border rule; null once every frame of the segment has been answered for,
    /// and the segment's frames are then released.
    /// </summary>
    public PooledFrame? Flush()
    {
        if (_last >= 0 && _next <= _last) return Take();
        ReleaseSegment();
        return null;
    }

    private PooledFrame Take()
    {
        long centre = _next++;
        for (int k = 0; k < Frames.Length; k++)
        {
            long i = centre - Past + k;
            Frames[k] = i < _first ? Outside(_first) : i > _last ? Outside(_last) : _ring[Slot(i)]!.Frame;
        }
        return _ring[Slot(centre)]!;
    }

    private Frame Outside(long edge)
    {
        if (_border == BorderMode.Replicate) return _ring[Slot(edge)]!.Frame;
        if (_zero is null)
        {
            _zero = _pool.Rent(_format);
            _zero.Frame.Bytes.Clear();
        }
        return _zero.Frame;
    }

    private int Slot(long index) => (int)(index % _ring.Length);

    private void ReleaseSegment()
    {
        for (int k = 0; k < _ring.Length; k++)
        {
            _ring[k]?.Release();
            _ring[k] = null;
        }
        Array.Clear(Frames);
        _first = _last = -1;
    }

    /// <summary>Releases every frame held, the black frame included.</summary>
    public void Dispose()
    {
        ReleaseSegment();
        _zero?.Release();
        _zero = null;
    }
}
