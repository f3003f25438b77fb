using ConvStream.Engine.Imaging;
using ConvStream.Media.Sinks;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Segments;

/// <summary>
/// A segment's output when the pipeline has temporal stages: the segment reads frames before and
/// after its own range (the stages' footprint in time), so each frame it keeps saw the same
/// neighbours as in a single run; this sink drops the first <c>skip</c> frames and everything after
/// <c>keep</c>, and passes the rest on unchanged.
/// </summary>
public sealed class SegmentWindowSink(IVideoSink inner, long skip, long? keep) : IVideoSink, IFileOutput
{
    private long _seen;

    public IVideoSink Inner => inner;
    public string Description => inner.Description;
    public long FramesWritten => inner is IFileOutput f ? f.FramesWritten : 0;
    public long FramesRepeated => inner is IFileOutput f ? f.FramesRepeated : 0;
    public bool Kept => inner is IFileOutput { Kept: true };

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
        => inner.OpenAsync(width, height, channels, source, cancellationToken);

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        long index = _seen++;
        if (index < skip || (keep is long k && index >= skip + k)) return ValueTask.CompletedTask;
        return inner.WriteAsync(frame, stamp, cancellationToken);
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken) => inner.CompleteAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
