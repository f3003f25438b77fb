using ConvStream.Engine.Imaging;

namespace ConvStream.Pipeline.Video;

/// <summary>
/// A stream of 8-bit frames (files, cameras, test sources, Y4M, image sequences). The caller owns
/// the frame buffers (they come from a pool): the source fills the one it is given, so a
/// steady-state read allocates nothing. Disposing stops any child process; it never hangs.
/// </summary>
public interface IVideoSource : IAsyncDisposable
{
    VideoInfo Info { get; }

    /// <summary>
    /// Fills <paramref name="destination"/> (Info.Width × Info.Height × Info.Channels, u8) with the
    /// next frame and returns its stamp, or null at the end of the stream. A damaged stream throws
    /// a ConvStreamException naming the source and quoting the decoder's last lines.
    /// </summary>
    ValueTask<FrameStamp?> ReadAsync(Frame destination, CancellationToken cancellationToken);

    /// <summary>Frames a live source had to discard because the reader was slower than the camera.</summary>
    long DroppedFrames => 0;
}
