namespace ConvStream.Pipeline.Video;

/// <summary>
/// Where a frame sits in its stream: its index from 0, its presentation time, and the moment it
/// was captured (a <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> value), from which
/// end-to-end age is measured.
/// </summary>
public readonly record struct FrameStamp(long Index, TimeSpan Pts, long CaptureTimestamp);
