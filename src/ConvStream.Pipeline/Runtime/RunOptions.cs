namespace ConvStream.Pipeline.Runtime;

/// <summary>Per-run settings that are not part of the pipeline file.</summary>
public sealed record RunOptions
{
    /// <summary>Stop reading the source after this many frames (the run then drains as at the end of the source).</summary>
    public long? MaxFrames { get; init; }

    /// <summary>Frames at the start that metrics ignore (benchmarks: JIT, page faults, pool growth).</summary>
    public long WarmupFrames { get; init; }
}
