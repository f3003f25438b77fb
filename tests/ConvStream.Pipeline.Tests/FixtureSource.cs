using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Video;

namespace ConvStream.Pipeline.Tests;

/// <summary>
/// A source that plays given frames with given indices (a gap in the indices stands for frames a
/// live source dropped), stamped at 30 fps, optionally paced so that a live pipeline keeps up.
/// </summary>
internal sealed class FixtureSource(IReadOnlyList<byte[]> frames, int width, int height, int channels, IReadOnlyList<long>? indices = null, int paceMs = 0, bool live = false) : IVideoSource
{
    private int _next;

    public VideoInfo Info { get; } = new() { Width = width, Height = height, Channels = channels, FrameCount = frames.Count, IsLive = live };

    public static TimeSpan Pts(long index) => TimeSpan.FromSeconds(index / 30.0);

    public async ValueTask<FrameStamp?> ReadAsync(Frame destination, CancellationToken cancellationToken)
    {
        if (_next >= frames.Count) return null;
        if (paceMs > 0 && _next > 0) await Task.Delay(paceMs, cancellationToken);
        destination.CopyFromPacked(frames[_next]);
        long index = indices?[_next] ?? _next;
        _next++;
        return new FrameStamp(index, Pts(index), System.Diagnostics.Stopwatch.GetTimestamp());
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
