namespace ConvStream.Pipeline.Video;

/// <summary>
/// What a source knows about its stream before the first frame: frame size and channels (1 = gray,
/// 3 = BGR), nominal frame rate as a rational (30000/1001), frame count when known, duration,
/// rotation metadata and whether an audio track exists that an encoder can copy.
/// </summary>
public sealed record VideoInfo
{
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required int Channels { get; init; }
    public int FrameRateNumerator { get; init; } = 30;
    public int FrameRateDenominator { get; init; } = 1;
    /// <summary>Null when unknown (cameras, live test sources, some containers).</summary>
    public long? FrameCount { get; init; }
    public TimeSpan? Duration { get; init; }
    /// <summary>Degrees clockwise from the container's display matrix (0, 90, 180, 270).</summary>
    public int Rotation { get; init; }
    public bool HasAudio { get; init; }
    /// <summary>The file the stream came from, when it is one (an encoder copies its audio).</summary>
    public string? SourcePath { get; init; }
    /// <summary>True for cameras and real-time-paced test sources: frames arrive on their own clock.</summary>
    public bool IsLive { get; init; }

    public double FrameRate => FrameRateDenominator == 0 ? 0 : (double)FrameRateNumerator / FrameRateDenominator;
}
