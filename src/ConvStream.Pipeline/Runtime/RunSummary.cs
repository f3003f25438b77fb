using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Metrics;

namespace ConvStream.Pipeline.Runtime;

/// <summary>What a finished run measured: per node metrics, frames, time, allocation and collections over the measured window.</summary>
public sealed record RunSummary
{
    public required IReadOnlyList<StageMetrics> Nodes { get; init; }
    public required long FramesRead { get; init; }
    /// <summary>Frames after warm-up.</summary>
    public required long MeasuredFrames { get; init; }
    public required TimeSpan Elapsed { get; init; }
    /// <summary>From the first measured frame leaving the source to the end of the run.</summary>
    public required TimeSpan MeasuredElapsed { get; init; }
    public required bool Cancelled { get; init; }
    /// <summary>Bytes allocated by the whole process (all threads) from the first measured frame read until the source ended (winding down excluded).</summary>
    public required long AllocatedBytes { get; init; }
    public required (int Gen0, int Gen1, int Gen2) GcCollections { get; init; }
    public required ScheduleDefinition Schedule { get; init; }
    /// <summary>Frames the pool allocated in total (its high-water mark).</summary>
    public required int PoolFrames { get; init; }

    public double FramesPerSecond => MeasuredElapsed.TotalSeconds > 0 ? MeasuredFrames / MeasuredElapsed.TotalSeconds : 0;
    public double AllocatedBytesPerFrame => MeasuredFrames > 0 ? (double)AllocatedBytes / MeasuredFrames : 0;
    public long Dropped => Nodes.Sum(n => n.Dropped);
}
