namespace ConvStream.Engine.Filters.Temporal;

/// <summary>
/// A video filter that looks across time: <see cref="IFrameFilter.Apply"/> is handed
/// <see cref="Span"/> consecutive frames of its one input, oldest first, and writes the output for
/// the frame at the window's centre (<see cref="TemporalModes.Footprint"/>). The runtime keeps the
/// frames (references to pooled frames, never copies), completes a window that reaches past the
/// start or end of the stream (or across a gap left by a dropped frame) with
/// <see cref="TimeBorder"/>, and delays the output by the frames the window reads after its centre.
/// </summary>
public interface ITemporalFilter : IFrameFilter
{
    /// <summary>Frames per window, at least 1 (at most <see cref="TemporalLimits.MaxSpan"/>).</summary>
    int Span { get; }

    TemporalMode Mode { get; }

    /// <summary>The frames outside the stream: <c>Replicate</c> (the first or last frame again) or <c>Zeros</c> (black frames).</summary>
    Geometry.BorderMode TimeBorder { get; }

    /// <summary>
    /// Frames of history the output depends on besides the window: 0 for a pure window, unbounded
    /// (<see cref="int.MaxValue"/>) for a stage with state such as a running average.
    /// </summary>
    int History => 0;

    /// <summary>Forgets any state kept between frames (a running background): called before a run's first frame.</summary>
    void Restart() { }
}

/// <summary>The limits of temporal windows.</summary>
public static class TemporalLimits
{
    /// <summary>
    /// The longest window, in frames. Each frame of a window is held in the pool: 31 frames of
    /// 1080p BGR are 190 MB, as much as a stage should pin; longer averages are what
    /// <c>running-average</c> is for.
    /// </summary>
    public const int MaxSpan = 31;
}
