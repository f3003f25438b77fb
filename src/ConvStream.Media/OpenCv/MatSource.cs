using System.Diagnostics;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Video;
using OpenCvSharp;

namespace ConvStream.Media.OpenCv;

/// <summary>
/// A source fed by the caller's own Mats (from their VideoCapture, a camera SDK, a file loop):
/// <see cref="Write"/> hands one Mat over and returns once its pixels are in the pipeline's pooled
/// frame (one copy, straight from the Mat into the pool, no allocation), so the caller may reuse
/// the Mat for the next frame, as <c>VideoCapture.Read(mat)</c> does. A Mat of another size or type
/// is an error naming both formats.
/// </summary>
public sealed class MatSource : IVideoSource
{
    private readonly SemaphoreSlim _offered = new(0), _taken = new(0);
    private readonly FrameFormat _format;
    private Mat? _pending;
    private Exception? _fault;
    private volatile bool _completed, _disposed;
    private long _index;
    private readonly long _start = Stopwatch.GetTimestamp();

    public MatSource(int width, int height, int channels = 3, double framesPerSecond = 30)
    {
        if (channels is not (1 or 3)) throw new ConvStreamException($"Mat source: channels must be 1 (gray) or 3 (BGR), not {channels}");
        _format = new FrameFormat(width, height, channels, PixelDepth.U8);
        int den = Math.Abs(framesPerSecond - Math.Round(framesPerSecond)) < 1e-9 ? 1 : 1001;
        Info = new VideoInfo
        {
            Width = width, Height = height, Channels = channels,
            FrameRateNumerator = (int)Math.Round(framesPerSecond * den), FrameRateDenominator = den,
        };
    }

    public VideoInfo Info { get; }

    /// <summary>True once the pipeline let go of the source (it ended or failed).</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Passes <paramref name="mat"/> to the pipeline; blocks until it has been copied (or the run ended).</summary>
    public void Write(Mat mat, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) throw new InvalidOperationException("Mat source: Write after Complete");
        _ = MatView.Wrap(mat, _format, "Mat source"); // checks size and type before the pipeline sees it
        _pending = mat;
        _offered.Release();
        _taken.Wait(cancellationToken);
        if (_fault is { } e) throw new ConvStreamException($"Mat source: {e.Message}", e);
    }

    /// <summary>No more Mats: the pipeline finishes the frames in flight and completes its outputs.</summary>
    public void Complete()
    {
        if (_completed) return;
        _completed = true;
        _offered.Release();
    }

    public async ValueTask<FrameStamp?> ReadAsync(Frame destination, CancellationToken cancellationToken)
    {
        await _offered.WaitAsync(cancellationToken).ConfigureAwait(false);
        var mat = _pending;
        _pending = null;
        if (mat is null) return null; // completed
        try
        {
            using var view = MatView.Of(destination);
            mat.CopyTo(view);
        }
        catch (Exception e) when (e is OpenCVException or ConvStreamException)
        {
            _fault = e;
            throw;
        }
        finally
        {
            _taken.Release();
        }
        long i = _index++;
        var pts = TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond * Info.FrameRateDenominator / Info.FrameRateNumerator);
        return new FrameStamp(i, pts, Stopwatch.GetTimestamp());
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _taken.Release(); // a writer still waiting gives up
        return ValueTask.CompletedTask;
    }
}
