using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Video;

namespace ConvStream.Pipeline.Runtime;

/// <summary>
/// A frame on loan from a <see cref="FramePool"/>, shared by reference count: fan-out to several
/// branches adds a reference per extra reader instead of copying pixels. The last
/// <see cref="Release"/> returns it to the pool. It carries its stamp (index, capture time) and
/// the queue-wait and compute time of every stage on its path, so latency is measured on the frame
/// itself and survives fan-out.
/// </summary>
public sealed class PooledFrame
{
    private readonly FramePool _pool;
    private int _references;

    internal PooledFrame(FramePool pool, FrameFormat format, int stageSlots)
    {
        _pool = pool;
        Format = format;
        Frame = format.Allocate();
        Times = new StageTime[stageSlots];
    }

    public Frame Frame { get; }
    public FrameFormat Format { get; }
    public FrameStamp Stamp { get; set; }

    /// <summary>When the frame was handed to the next queue (Stopwatch ticks): queue wait starts here.</summary>
    public long ReadyTimestamp { get; set; }

    /// <summary>Per stage slot (the plan's stage index) of every stage on this frame's path.</summary>
    public StageTime[] Times { get; }

    internal int References => Volatile.Read(ref _references);

    internal void Reset()
    {
        _references = 1;
        Stamp = default;
        ReadyTimestamp = 0;
        Array.Clear(Times);
    }

    public void AddRef(int count = 1)
    {
        if (Interlocked.Add(ref _references, count) <= count)
            throw new InvalidOperationException("AddRef on a pooled frame that was already returned to its pool");
    }

    public void Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left == 0) _pool.Return(this);
        else if (left < 0) throw new InvalidOperationException("pooled frame released more times than it was referenced");
    }

    /// <summary>Takes over the stage times of <paramref name="input"/> (the frame this one was computed from).</summary>
    public void InheritTimes(PooledFrame input)
    {
        var from = input.Times;
        var to = Times;
        for (int i = 0; i < to.Length; i++)
            if (from[i].IsSet) to[i] = from[i];
    }
}
