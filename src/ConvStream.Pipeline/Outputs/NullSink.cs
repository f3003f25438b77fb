using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Video;

namespace ConvStream.Pipeline.Outputs;

/// <summary>A sink that discards frames (benchmarks, dry runs) but counts them and checks their shape.</summary>
public sealed class NullSink : IVideoSink
{
    private int _width, _height, _channels;

    public long Frames { get; private set; }
    public bool Opened { get; private set; }
    public bool Completed { get; private set; }
    public string Description => "(discarded)";

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
    {
        (_width, _height, _channels, Opened) = (width, height, channels, true);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        if (!Opened) throw new InvalidOperationException("null sink written before it was opened");
        if (Completed) throw new InvalidOperationException("null sink written after it was completed");
        if (frame.Width != _width || frame.Height != _height || frame.Channels != _channels)
            throw new InvalidOperationException($"null sink opened for {_width}x{_height}x{_channels} got {frame.ShapeText}");
        Frames++;
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        Completed = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => CompleteAsync(CancellationToken.None);
}
