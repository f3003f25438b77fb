using ConvStream.Pipeline.Video;

namespace ConvStream.Pipeline.Runtime;

/// <summary>Sees each frame an output writes, with the queue wait and compute time of every stage on its path (by plan slot).</summary>
public delegate void OutputFrameObserver(string output, FrameStamp stamp, ReadOnlySpan<StageTime> times);

/// <summary>Per-run settings that are not part of the pipeline file.</summary>
public sealed record RunOptions
{
    /// <summary>Stop reading the source after this many frames (the run then drains as at the end of the source).</summary>
    public long? MaxFrames { get; init; }

    /// <summary>Frames at the start that metrics ignore (benchmarks: JIT, page faults, pool growth).</summary>
    public long WarmupFrames { get; init; }

    /// <summary>Called on the output's task after each write (tracing, custom reports); keep it cheap.</summary>
    public OutputFrameObserver? OutputObserver { get; init; }

    /// <summary>Sees each frame the source and every stage produce (a live view); see <see cref="IFrameTap"/>.</summary>
    public IFrameTap? FrameTap { get; init; }
}
