using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Video;

namespace ConvStream.Pipeline.Tests;

/// <summary>A sink that keeps every frame it is given (packed bytes and stamp), and can fail on purpose.</summary>
internal sealed class CaptureSink(int failAt = -1, bool keepPixels = true) : IVideoSink
{
    public List<(FrameStamp Stamp, byte[] Pixels)> Frames { get; } = new();
    public (int W, int H, int C) Opened { get; private set; }
    public bool Completed { get; private set; }
    public int CompleteCalls { get; private set; }
    public string Description => "capture";

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
    {
        Opened = (width, height, channels);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        if (Completed) throw new InvalidOperationException("written after completion");
        if (Frames.Count == failAt) throw new IOException("deliberate sink failure");
        lock (Frames) Frames.Add((stamp, keepPixels ? frame.ToPacked() : []));
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        Completed = true;
        CompleteCalls++;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => CompleteAsync(CancellationToken.None);
}
