using System.Diagnostics;

namespace ConvStream.Pipeline.Metrics;

/// <summary>
/// What one node of a running pipeline (the source, a stage or an output) counted: frames in and
/// out, frames dropped at its input queue, latency histograms (queue wait and compute per
/// stage, end-to-end age (capture to sink) per output) and the series of frame times.
/// </summary>
public sealed class StageMetrics
{
    private long _in, _out, _dropped, _lastDelivered;

    public StageMetrics(string name, string op, NodeKind kind)
    {
        Name = name;
        Op = op;
        Kind = kind;
    }

    public string Name { get; }
    public string Op { get; }
    public NodeKind Kind { get; }

    public long FramesIn => Interlocked.Read(ref _in);
    public long FramesOut => Interlocked.Read(ref _out);
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Frames with a smaller index (warm-up) are not counted.</summary>
    public long MeasureFrom { get; set; }

    public bool Measures(long frameIndex) => frameIndex >= MeasureFrom;

    public LatencyHistogram QueueWait { get; } = new();
    public LatencyHistogram Compute { get; } = new();
    /// <summary>Capture to sink, for outputs.</summary>
    public LatencyHistogram Age { get; } = new();
    /// <summary>Per measured frame in order: a stage's compute time; an output's time since its previous frame.</summary>
    public FrameSeries FrameTimes { get; } = new();

    /// <summary>A stage computed a measured frame: both histograms and the frame-time series.</summary>
    public void RecordStage(long queueNanoseconds, long computeNanoseconds)
    {
        QueueWait.Record(queueNanoseconds);
        Compute.Record(computeNanoseconds);
        FrameTimes.Record(computeNanoseconds);
    }

    /// <summary>An output delivered a measured frame at <paramref name="timestamp"/> (Stopwatch ticks): its age, and the time since the previous one.</summary>
    public void RecordOutput(long ageNanoseconds, long timestamp)
    {
        Age.Record(ageNanoseconds);
        if (_lastDelivered != 0) FrameTimes.Record(TicksToNanoseconds(timestamp - _lastDelivered));
        _lastDelivered = timestamp;
    }

    public void CountIn() => Interlocked.Increment(ref _in);
    public void CountOut() => Interlocked.Increment(ref _out);
    public void CountDropped() => Interlocked.Increment(ref _dropped);
    public void AddDropped(long n) => Interlocked.Add(ref _dropped, n);

    /// <summary>Forgets everything counted so far (benchmarks call this after warm-up).</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _in, 0);
        Interlocked.Exchange(ref _out, 0);
        Interlocked.Exchange(ref _dropped, 0);
        QueueWait.Clear();
        Compute.Clear();
        Age.Clear();
        FrameTimes.Clear();
        _lastDelivered = 0;
    }

    internal static long TicksToNanoseconds(long ticks) => (long)(ticks * (1e9 / Stopwatch.Frequency));
}

public enum NodeKind { Source, Stage, Output }
