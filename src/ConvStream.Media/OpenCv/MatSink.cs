using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Video;
using OpenCvSharp;

namespace ConvStream.Media.OpenCv;

/// <summary>What a <see cref="MatSink"/> calls for each result: the output's name, a Mat over the result frame (valid only during the call), and its stamp.</summary>
public delegate void MatReceiver(string output, Mat result, FrameStamp stamp);

/// <summary>
/// Hands each result frame to the caller as a Mat header over the pipeline's own pixels: no copy
/// and no allocation besides the header. The Mat is only lent for the call (the frame returns to the
/// pool afterwards): <c>Clone()</c> it to keep it. Results arrive as every output shows them: 8-bit,
/// an int16 stage by absolute value and a float one saturated (OpenCV's convertScaleAbs and saturate_cast).
/// </summary>
public sealed class MatSink(string output, MatReceiver receiver) : IVideoSink
{
    public string Description => $"Mat receiver '{output}'";

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        using var mat = MatView.Of(frame);
        receiver(output, mat, stamp);
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
