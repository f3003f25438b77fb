using System.Diagnostics;

namespace ConvStream.Pipeline.Metrics;

/// <summary>
/// What one node of a running pipeline (the source, a stage or an output) counted: frames in and
/// out, frames dropped at its input queue, and latency histograms: queue wait and compute per
/// stage, end-to-end age (capture to sink) per output.
/// </summary>
public sealed class StageMetrics
{
    private long _in, _out, _dropped;

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
    }

    internal static long TicksToNanoseconds(long ticks) => (long)(ticks * (1e9 / Stopwatch.Frequency));
}

public enum NodeKind { Source, Stage, Output }
