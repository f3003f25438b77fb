namespace ConvStream.Pipeline.Runtime;

/// <summary>
/// What one stage spent on one frame, in <see cref="System.Diagnostics.Stopwatch"/> ticks: time
/// waiting in its input queue and time computing. Zero ticks in both means the stage is not on
/// this frame's path.
/// </summary>
public struct StageTime
{
    public long QueueTicks;
    public long ComputeTicks;

    public readonly bool IsSet => QueueTicks != 0 || ComputeTicks != 0;
}
