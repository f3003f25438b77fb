using ConvStream.Engine.Imaging;

namespace ConvStream.Pipeline.Video;

/// <summary>
/// Where frames end up: a video file, image sequence, Y4M, preview window or nothing. Frames
/// arrive in order. <see cref="CompleteAsync"/> finishes the output properly (an encoder's last
/// frames and container index are written); it is also what happens on errors and Ctrl+C, so
/// what was already written is kept, playable. Disposing without completing does the same.
/// </summary>
public interface IVideoSink : IAsyncDisposable
{
    /// <summary>Opens the output for frames of this format; called once before the first frame.</summary>
    ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken);

    /// <summary>Writes one frame. The frame is only borrowed for the duration of the call.</summary>
    ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken);

    /// <summary>Finishes the output; idempotent.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Where the output went, for summaries ("out/gauss.mp4").</summary>
    string Description { get; }
}
