using System.Threading.Channels;
using ConvStream.Engine.Filters;
using ConvStream.Pipeline.Runtime;

namespace ConvStream.Web.Frames;

/// <summary>
/// The live picture of one node (the source or a stage). While nobody watches, a frame costs one
/// volatile read on the node's thread. While someone does, the node's thread only swaps the new
/// frame (one added reference) into a one-frame slot, releasing the one it replaces, and wakes this
/// node's encoder; the encoder, on a thread-pool thread, converts and encodes whatever is newest and
/// publishes it as an immutable <see cref="Picture"/>. Frames the encoder could not keep up with are
/// skipped, never queued: at most two pooled frames are held (the slot and the one being encoded),
/// and a client that reads slowly gets the newest picture when it is ready for the next one.
/// </summary>
internal sealed class NodeFrames : IAsyncDisposable
{
    private readonly DisplayPicture _display;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly CancellationTokenSource _stop = new();
    private readonly object _startGate = new();
    private Task? _encoder;
    private PooledFrame? _pending;
    private int _watchers, _pngWanted;
    private Picture? _latest;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NodeFrames(string name, FrameFormat format)
    {
        Name = name;
        _display = new DisplayPicture(format);
    }

    public string Name { get; }
    public FrameFormat Format => _display.Format;
    public int Watchers => Volatile.Read(ref _watchers);
    public Picture? Latest => Volatile.Read(ref _latest);

    /// <summary>On the node's thread: keeps <paramref name="frame"/> as the newest if anyone watches.</summary>
    public void Offer(PooledFrame frame)
    {
        if (Volatile.Read(ref _watchers) == 0) return;
        frame.AddRef();
        Interlocked.Exchange(ref _pending, frame)?.Release();
        _wake.Writer.TryWrite(true);
    }

    /// <summary>Starts watching (a stream client, a snapshot); dispose the result to stop.</summary>
    public IDisposable Watch(bool png = false)
    {
        EnsureEncoder();
        if (png) Interlocked.Increment(ref _pngWanted);
        Interlocked.Increment(ref _watchers);
        return new Watcher(this, png);
    }

    /// <summary>The first picture newer than <paramref name="afterSequence"/>; waits for one.</summary>
    public async Task<Picture> NextAsync(long afterSequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Read the signal before the picture: a picture published in between completes it.
            var next = Volatile.Read(ref _next).Task;
            if (Latest is { } p && p.Sequence > afterSequence) return p;
            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void EnsureEncoder()
    {
        lock (_startGate) _encoder ??= Task.Run(EncodeLoopAsync);
    }

    private async Task EncodeLoopAsync()
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                var frame = Interlocked.Exchange(ref _pending, null);
                if (frame is null) continue;
                try
                {
                    var shown = _display.Show(frame.Frame);
                    byte[] jpeg = ImageEncoder.Jpeg(shown);
                    byte[]? png = Volatile.Read(ref _pngWanted) > 0 ? ImageEncoder.Png(shown) : null;
                    Publish(frame.Stamp.Index, jpeg, png);
                }
                finally
                {
                    frame.Release();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
    }

    private void Publish(long frameIndex, byte[] jpeg, byte[]? png)
    {
        Volatile.Write(ref _latest, new Picture((Latest?.Sequence ?? 0) + 1, frameIndex, jpeg, png));
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_encoder is not null) await _encoder.ConfigureAwait(false);
        Interlocked.Exchange(ref _pending, null)?.Release();
        _stop.Dispose();
    }

    private sealed class Watcher(NodeFrames node, bool png) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            if (png) Interlocked.Decrement(ref node._pngWanted);
            if (Interlocked.Decrement(ref node._watchers) == 0)
                // Nobody watches: give the held frame back to the pool now rather than at the next watcher.
                Interlocked.Exchange(ref node._pending, null)?.Release();
        }
    }
}
