using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sinks;

/// <summary>Discards frames, counting them: for benchmarks and dry runs.</summary>
public sealed class NullSink : IVideoSink
{
    public string Description => "null";
    public long FramesWritten { get; private set; }
    public bool Completed { get; private set; }

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        FramesWritten++;
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        Completed = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => CompleteAsync(CancellationToken.None);
}
