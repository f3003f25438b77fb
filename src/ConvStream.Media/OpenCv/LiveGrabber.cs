using System.Diagnostics;
using ConvStream.Engine;
using OpenCvSharp;

namespace ConvStream.Media.OpenCv;

/// <summary>
/// Reads a live capture on its own thread as fast as the device delivers and keeps only the newest
/// frame (double-buffered BGR Mats, swapped under a lock), so a slow pipeline always gets a fresh
/// picture; a frame replaced before anyone took it is counted as dropped. Setting
/// CAP_PROP_BUFFERSIZE to 1 is known not to be enough on every driver; this is.
/// </summary>
internal sealed class LiveGrabber : IAsyncDisposable
{
    private readonly VideoCapture _capture;
    private readonly string _name;
    private readonly Thread _thread;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _fresh = new(0, 1);
    private Mat _newest = new(), _spare = new();
    private long _newestTimestamp;
    private bool _unread, _ended;
    private Exception? _error;
    private volatile bool _stop;
    private long _dropped;

    public LiveGrabber(VideoCapture capture, string name)
    {
        _capture = capture;
        _name = name;
        _thread = new Thread(Run) { IsBackground = true, Name = $"ConvStream grab: {name}" };
        _thread.Start();
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    private void Run()
    {
        try
        {
            while (!_stop)
            {
                if (!_capture.Read(_spare) || _spare.Empty()) break;
                long now = Stopwatch.GetTimestamp();
                bool signal;
                lock (_gate)
                {
                    (_newest, _spare) = (_spare, _newest);
                    _newestTimestamp = now;
                    if (_unread) Interlocked.Increment(ref _dropped);
                    signal = !_unread;
                    _unread = true;
                }
                if (signal) _fresh.Release();
            }
        }
        catch (Exception e) when (e is OpenCVException or ObjectDisposedException)
        {
            _error = e;
        }
        lock (_gate) _ended = true;
        try { _fresh.Release(); } catch (SemaphoreFullException) { }
    }

    /// <summary>Copies the newest frame into <paramref name="destination"/> (BGR, or gray by OpenCV's formula); its capture timestamp, or −1 at the end.</summary>
    public async ValueTask<long> TakeNewestAsync(Mat destination, int channels, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _fresh.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (_unread)
                {
                    if (channels == 3) _newest.CopyTo(destination);
                    else Cv2.CvtColor(_newest, destination, ColorConversionCodes.BGR2GRAY);
                    _unread = false;
                    if (_ended) try { _fresh.Release(); } catch (SemaphoreFullException) { }
                    return _newestTimestamp;
                }
                if (_ended)
                {
                    try { _fresh.Release(); } catch (SemaphoreFullException) { }
                    if (_error is OpenCVException e && !_stop) throw new ConvStreamException($"{_name}: the capture failed: {e.ErrMsg}", e);
                    return -1;
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(5));
        _newest.Dispose();
        _spare.Dispose();
        return ValueTask.CompletedTask;
    }
}
