using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Ffmpeg;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sources;

/// <summary>
/// Frames decoded by an ffmpeg child and read from its stdout as raw bgr24, every frame in order
/// (files and unpaced test sources). <see cref="ReadAsync"/> completes synchronously (a pipe read
/// allocates nothing that way): run the reading loop on its own thread. The end of the stream is
/// checked: ffmpeg's exit status and a frame cut short both become a one-line error quoting
/// ffmpeg's last lines, after the frames that were whole have been delivered.
/// </summary>
public sealed class FfmpegPipeSource : IVideoSource
{
    private readonly ChildProcess _child;
    private readonly RawFrameReader _reader;
    private readonly string _description;
    private long _index;
    private bool _ended;
    private int _disposed;

    internal FfmpegPipeSource(ChildProcess child, VideoInfo info, string description)
    {
        _child = child;
        Info = info;
        _description = description;
        _reader = new RawFrameReader(info.Width, info.Height);
        PipeSize = PipeBuffer.Enlarge(child.Stdout!);
    }

    public VideoInfo Info { get; }

    /// <summary>The ffmpeg process id (tests check it is gone after disposal).</summary>
    public int ProcessId => _child.Id;

    /// <summary>The stdout pipe's capacity in bytes (Linux), 0 when unknown.</summary>
    public int PipeSize { get; }

    /// <summary>Everything ffmpeg said last (the ring of its last stderr lines).</summary>
    public StderrTail Log => _child.Stderr;

    public override string ToString() => _description;

    public ValueTask<FrameStamp?> ReadAsync(Frame destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_ended) return new ValueTask<FrameStamp?>((FrameStamp?)null);
        int got;
        // Cancelling kills the decoder, which ends a read that is blocked waiting for ffmpeg.
        using (cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(static s => ((ChildProcess)s!).Kill(), _child) : default)
        {
            try { got = _reader.Read(_child.Stdout!, destination); }
            catch (IOException) when (cancellationToken.IsCancellationRequested) { got = 0; }
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (got == _reader.FrameBytes)
        {
            long i = _index++;
            var pts = TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond * Info.FrameRateDenominator / Math.Max(1, Info.FrameRateNumerator));
            return new ValueTask<FrameStamp?>(new FrameStamp(i, pts, System.Diagnostics.Stopwatch.GetTimestamp()));
        }
        _ended = true;
        bool exited = _child.WaitForExit(TimeSpan.FromSeconds(30));
        if (got != 0)
            throw new ConvStreamException($"{_description}: the stream ended in the middle of frame {_index} ({got} of {_reader.FrameBytes} bytes); ffmpeg (process {_child.Id}) {_child.ExitDescription}; its last lines: {_child.Stderr.Quote()}");
        if (!exited)
            throw new ConvStreamException($"{_description}: ffmpeg closed its output but did not exit; ffmpeg said: {_child.Stderr.Quote()}");
        if (_child.ExitCode != 0)
            throw new ConvStreamException($"{_description}: decoding failed after {_index} frames: ffmpeg (process {_child.Id}) {_child.ExitDescription}; its last lines: {_child.Stderr.Quote()}");
        return new ValueTask<FrameStamp?>((FrameStamp?)null);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _child.Dispose();
        return ValueTask.CompletedTask;
    }
}
