using System.Diagnostics;
using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Ffmpeg;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Preview;

/// <summary>
/// A live window showing the frames, through an <c>ffplay</c> child reading raw bgr24 on stdin. The
/// window must never slow the pipeline down: <see cref="WriteAsync"/> only copies the frame into a
/// slot, and a writer thread feeds ffplay the newest frame whenever it is ready for one (frames it
/// had no time for are counted in <see cref="DroppedFrames"/>). ffplay is told a very high frame
/// rate with the video as master clock, so it shows each frame as soon as it arrives. Closing the
/// window makes the next write fail with a one-line error, which stops the pipeline.
/// </summary>
public sealed class PreviewSink : IVideoSink
{
    private readonly PreviewOptions _options;
    private readonly object _gate = new();
    private ChildProcess? _child;
    private Thread? _writer;
    private byte[][] _buffers = [];
    private int _ready = 0, _sending = 1;
    private bool _hasNew, _finishing;
    private long _dropped, _shown;
    private int _width, _height, _channels;
    private volatile bool _closed;
    private bool _completed;

    public PreviewSink(PreviewOptions? options = null)
    {
        _options = options ?? new PreviewOptions();
        Description = $"preview window '{_options.Title}'";
    }

    public string Description { get; }
    public long DroppedFrames => Interlocked.Read(ref _dropped);
    public long FramesShown => Interlocked.Read(ref _shown);
    public bool WindowClosed => _closed;
    public int? ProcessId => _child?.Id;
    /// <summary>ffplay's last stderr lines.</summary>
    public StderrTail? Log => _child?.Stderr;

    public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
    {
        if (channels is not (1 or 3)) throw new ConvStreamException($"{Description}: shows gray or BGR frames, not {channels} channels");
        _width = width; _height = height; _channels = channels;
        int bytes = checked(width * height * channels);
        _buffers = [GC.AllocateUninitializedArray<byte>(bytes, pinned: true), GC.AllocateUninitializedArray<byte>(bytes, pinned: true)];
        string ffplay = FfmpegLocator.Find("ffplay", _options.FfmpegPath);
        var args = new List<string> { "-hide_banner", "-loglevel", _options.LogLevel, "-nostats",
            "-f", "rawvideo", "-pixel_format", channels == 3 ? "bgr24" : "gray", "-video_size", $"{width}x{height}",
            "-framerate", "1000", "-probesize", "32", "-fflags", "nobuffer", "-flags", "low_delay",
            "-sync", "video", "-an", "-sn", "-autoexit", "-window_title", _options.Title };
        if (_options.Position is (int left, int top)) args.AddRange(["-left", left.ToString(System.Globalization.CultureInfo.InvariantCulture), "-top", top.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        args.Add("pipe:0");
        var env = new Dictionary<string, string> { ["SDL_AUDIODRIVER"] = "dummy" };
        if (_options.Display is string display) env["DISPLAY"] = display;
        _child = ChildProcess.Start(ffplay, args, $"ffplay showing {Description}", redirectStdin: true, redirectStdout: false, env);
        // The pipe keeps its small default size on purpose: frames queued in a big pipe would be shown late.
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = $"writer of {Description}" };
        _writer.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        if (_child is null) throw new InvalidOperationException($"{Description}: WriteAsync before OpenAsync");
        if (_closed)
            throw new ConvStreamException(_child.Stderr.TotalLines == 0 ? $"{Description} was closed" : $"{Description} was closed; ffplay said: {_child.Stderr.Quote(2)}");
        if (frame.Width != _width || frame.Height != _height || frame.Channels != _channels || frame.Depth != PixelDepth.U8)
            throw new ConvStreamException($"{Description}: frame {frame.ShapeText} does not match the opened {_width}x{_height}x{_channels} u8 stream");
        lock (_gate)
        {
            if (_hasNew) _dropped++;
            frame.CopyToPacked(_buffers[_ready]);
            _hasNew = true;
            Monitor.PulseAll(_gate);
        }
        return ValueTask.CompletedTask;
    }

    private void WriteLoop()
    {
        var stdin = _child!.Stdin!;
        while (true)
        {
            lock (_gate)
            {
                while (!_hasNew && !_finishing) Monitor.Wait(_gate);
                if (!_hasNew) return;
                (_ready, _sending) = (_sending, _ready);
                _hasNew = false;
            }
            try
            {
                stdin.Write(_buffers[_sending]);
                stdin.Flush();
                Interlocked.Increment(ref _shown);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                _closed = true;
                return;
            }
        }
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed || _child is null) return ValueTask.CompletedTask;
        _completed = true;
        lock (_gate) { _finishing = true; Monitor.PulseAll(_gate); }
        // Give the last frame a moment to reach the window; ffplay itself is not producing anything worth waiting for.
        var watch = Stopwatch.StartNew();
        while (_writer!.IsAlive && watch.Elapsed < TimeSpan.FromSeconds(2)) _writer.Join(50);
        _child.Stop(TimeSpan.FromSeconds(2));
        _writer.Join(TimeSpan.FromSeconds(2));
        _child.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => CompleteAsync(CancellationToken.None);
}
