using System.Diagnostics;
using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Ffmpeg;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sources;

/// <summary>
/// A live stream (camera or real-time-paced test source) with newest-frame semantics: a reader
/// thread drains ffmpeg's stdout as fast as frames come and keeps only the latest one (triple
/// buffering: one being filled, one ready, one being handed out), so a slow consumer always gets
/// the freshest picture, never a stale buffered one. Frames replaced before anyone took them are
/// counted in <see cref="DroppedFrames"/>. Stamps carry the capture sequence number (gaps are the
/// drops), the time since the first frame, and the moment the frame arrived.
/// </summary>
public sealed class LiveFfmpegSource : IVideoSource
{
    private readonly ChildProcess _child;
    private readonly string _description;
    private readonly int _frameBytes;
    private readonly byte[][] _buffers = new byte[3][];
    private readonly object _gate = new();
    private readonly Thread _thread;
    private int _writing = 0, _ready = 1, _reading = 2;
    private bool _hasNew;
    private long _readyIndex, _readyTimestamp, _firstTimestamp;
    private long _dropped;
    private bool _ended;
    private string? _endError;
    private volatile bool _disposing;

    internal LiveFfmpegSource(ChildProcess child, VideoInfo info, string description)
    {
        _child = child;
        Info = info;
        _description = description;
        _frameBytes = checked(info.Width * info.Height * 3);
        for (int i = 0; i < 3; i++) _buffers[i] = GC.AllocateUninitializedArray<byte>(_frameBytes, pinned: true);
        PipeSize = PipeBuffer.Enlarge(child.Stdout!);
        _thread = new Thread(ReadLoop) { IsBackground = true, Name = $"live reader {description}" };
        _thread.Start();
    }

    public VideoInfo Info { get; }
    public int ProcessId => _child.Id;
    public int PipeSize { get; }
    public StderrTail Log => _child.Stderr;
    public long DroppedFrames => Interlocked.Read(ref _dropped);

    public override string ToString() => _description;

    private void ReadLoop()
    {
        long captured = 0;
        int got = 0;
        try
        {
            while (true)
            {
                got = RawFrameIo.ReadFull(_child.Stdout!, _buffers[_writing]);
                if (got != _frameBytes) break;
                long now = Stopwatch.GetTimestamp();
                lock (_gate)
                {
                    if (captured == 0) _firstTimestamp = now;
                    if (_hasNew) _dropped++;
                    (_writing, _ready) = (_ready, _writing);
                    _readyIndex = captured++;
                    _readyTimestamp = now;
                    _hasNew = true;
                    Monitor.PulseAll(_gate);
                }
            }
        }
        catch (IOException) { got = -1; }
        catch (ObjectDisposedException) { got = -1; }

        string? error = null;
        if (!_disposing)
        {
            bool exited = _child.WaitForExit(TimeSpan.FromSeconds(10));
            if (got > 0)
                error = $"{_description}: the stream ended in the middle of frame {captured} ({got} of {_frameBytes} bytes); ffmpeg said: {_child.Stderr.Quote()}";
            else if (!exited || _child.ExitCode != 0 || got < 0)
                error = $"{_description} stopped delivering frames after {captured} frames (ffmpeg {(exited ? $"exit code {_child.ExitCode}" : "did not exit")}): {_child.Stderr.Quote()}";
        }
        lock (_gate)
        {
            _endError = error;
            _ended = true;
            Monitor.PulseAll(_gate);
        }
    }

    public ValueTask<FrameStamp?> ReadAsync(Frame destination, CancellationToken cancellationToken)
    {
        if (destination.Width != Info.Width || destination.Height != Info.Height || destination.Channels is not (1 or 3) || destination.Depth != PixelDepth.U8)
            throw new ConvStreamException($"frame {destination.ShapeText} does not fit {_description}'s {Info.Width}x{Info.Height} frames");
        long index, timestamp, first;
        lock (_gate)
        {
            while (!_hasNew && !_ended)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Monitor.Wait(_gate, 50);
            }
            if (!_hasNew)
            {
                if (_endError is not null) throw new ConvStreamException(_endError);
                return new ValueTask<FrameStamp?>((FrameStamp?)null);
            }
            (_reading, _ready) = (_ready, _reading);
            _hasNew = false;
            index = _readyIndex;
            timestamp = _readyTimestamp;
            first = _firstTimestamp;
        }
        // The writer only ever touches _writing and swaps with _ready, so _reading is ours alone now.
        RawFrameReader.Unpack(_buffers[_reading], destination);
        return new ValueTask<FrameStamp?>(new FrameStamp(index, Stopwatch.GetElapsedTime(first, timestamp), timestamp));
    }

    public ValueTask DisposeAsync()
    {
        if (_disposing) return ValueTask.CompletedTask;
        _disposing = true;
        _child.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
        return ValueTask.CompletedTask;
    }
}
