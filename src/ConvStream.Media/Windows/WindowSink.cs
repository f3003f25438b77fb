using System.Diagnostics;
using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Images;
using ConvStream.Media.OpenCv;
using ConvStream.Pipeline.Video;
using OpenCvSharp;

namespace ConvStream.Media.Windows;

/// <summary>Options of a <see cref="WindowSink"/>.</summary>
public sealed record WindowOptions
{
    /// <summary>The window's title: the stage's (or output's) name.</summary>
    public required string Title { get; init; }
    /// <summary>Draw the frame rate and the capture-to-window age on the picture.</summary>
    public bool Overlay { get; init; }
    /// <summary>Where the s key saves PNGs (one per window: TITLE-0001.png …).</summary>
    public string SaveFolder { get; init; } = ".";
}

/// <summary>
/// A window drawn by OpenCV's highgui (<c>Cv2.ImShow</c>) on ConvStream's one UI thread. Each frame
/// is copied into the window's picture (the sink only borrows it) and shown by that thread. Keys act
/// on every window: q or Esc raise <see cref="StopRequested"/> (the run then stops cleanly and
/// finishes every output), space pauses the run (writes wait) and resumes it, s saves a PNG of every
/// window; closing the window also raises <see cref="StopRequested"/>.
/// </summary>
public sealed class WindowSink : IVideoSink
{
    private readonly WindowOptions _options;
    private readonly Lock _gate = new();
    private readonly ManualResetEventSlim _running = new(true);
    private Mat? _picture;
    private bool _changed, _opened, _completed;
    private int _saved;
    private long _frames, _lastCapture, _firstTimestamp;

    public WindowSink(WindowOptions options)
    {
        _options = options;
        Description = $"window '{options.Title}'";
    }

    public string Description { get; }
    public string Title => _options.Title;
    public bool IsPaused => !_running.IsSet;
    internal bool IsShown { get; private set; }
    internal bool WasVisible { get; set; }
    /// <summary>PNGs written by the s key.</summary>
    public IReadOnlyList<string> SavedFiles => _savedFiles;
    private readonly List<string> _savedFiles = new();

    /// <summary>q, Esc or the window closed: the run should stop (and finish its outputs).</summary>
    public event Action<WindowSink, WindowCommand>? StopRequested;

    /// <summary>True where a window can be shown: Windows, or a Linux/BSD desktop with DISPLAY or WAYLAND_DISPLAY, and OpenCV loads.</summary>
    /// GTK reads DISPLAY once, from the environment the process started with.
    public static bool DisplayAvailable()
        => OpenCvRuntime.IsAvailable && (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")));

    /// <summary>Throws the one-line error a window gets where there is no display (call it before any output is opened).</summary>
    public void CheckDisplay()
    {
        OpenCvRuntime.EnsureLoaded(Description);
        if (!DisplayAvailable())
            throw new ConvStreamException($"{Description}: no display to show it on (DISPLAY is not set); use a file output, or run under a desktop or xvfb-run");
    }

    public async ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken cancellationToken)
    {
        CheckDisplay();
        _picture = new Mat(height, width, channels == 1 ? MatType.CV_8UC1 : MatType.CV_8UC3, Scalar.All(0));
        try
        {
            await HighGuiThread.Instance.InvokeAsync(() =>
            {
                Cv2.NamedWindow(Title, WindowFlags.AutoSize);
                IsShown = true;
            }).ConfigureAwait(false);
        }
        catch (OpenCVException e)
        {
            throw new ConvStreamException($"{Description}: OpenCV cannot open a window ({e.ErrMsg}); is DISPLAY '{Environment.GetEnvironmentVariable("DISPLAY")}' a running X server?", e);
        }
        HighGuiThread.Instance.Add(this);
        _opened = true;
    }

    public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken cancellationToken)
    {
        if (!_opened) throw new InvalidOperationException($"{Description}: WriteAsync before OpenAsync");
        // Paused: the run waits here (offline nothing is lost; live, the source drops the oldest).
        _running.Wait(cancellationToken);
        using var view = MatView.Of(frame);
        lock (_gate)
        {
            if (view.Size() != _picture!.Size() || view.Type() != _picture.Type())
                throw new ConvStreamException($"{Description}: frame {frame.ShapeText} does not match the opened window");
            view.CopyTo(_picture);
            _changed = true;
            if (_frames++ == 0) _firstTimestamp = Stopwatch.GetTimestamp();
            _lastCapture = stamp.CaptureTimestamp;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>On the UI thread: shows the newest picture when it changed (with the overlay when asked).</summary>
    internal void DrawIfChanged()
    {
        lock (_gate)
        {
            if (!_changed || !IsShown) return;
            _changed = false;
            if (!_options.Overlay) { Cv2.ImShow(Title, _picture!); return; }
            using var shown = _picture!.Clone();
            double seconds = Stopwatch.GetElapsedTime(_firstTimestamp).TotalSeconds;
            double fps = seconds > 0 ? (_frames - 1) / seconds : 0;
            double age = _lastCapture > 0 ? Stopwatch.GetElapsedTime(_lastCapture).TotalMilliseconds : 0;
            string text = string.Create(CultureInfo.InvariantCulture, $"{fps:0.0} fps  age {age:0.0} ms");
            Cv2.PutText(shown, text, new Point(8, 20), HersheyFonts.HersheySimplex, 0.5, Scalar.All(0), 3, LineTypes.AntiAlias);
            Cv2.PutText(shown, text, new Point(8, 20), HersheyFonts.HersheySimplex, 0.5, Scalar.All(255), 1, LineTypes.AntiAlias);
            Cv2.ImShow(Title, shown);
        }
    }

    /// <summary>On the UI thread: a key or the window manager's request.</summary>
    internal void Handle(WindowCommand command)
    {
        switch (command)
        {
            case WindowCommand.TogglePause:
                if (_running.IsSet) _running.Reset(); else _running.Set();
                break;
            case WindowCommand.Save:
                Save();
                break;
            case WindowCommand.Closed:
                IsShown = false;
                _running.Set();
                StopRequested?.Invoke(this, command);
                break;
            case WindowCommand.Stop:
                _running.Set();
                StopRequested?.Invoke(this, command);
                break;
        }
    }

    private void Save()
    {
        Frame copy;
        lock (_gate)
        {
            if (_frames == 0) return;
            copy = MatView.CopyToFrame(_picture!, Description);
        }
        string safe = string.Concat(Title.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        string path = Path.Combine(_options.SaveFolder, $"{safe}-{++_saved:0000}.png");
        ImageFile.Write(path, copy);
        lock (_savedFiles) _savedFiles.Add(path);
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed || !_opened) return;
        _completed = true;
        _running.Set();
        HighGuiThread.Instance.Remove(this);
        await HighGuiThread.Instance.InvokeAsync(() =>
        {
            if (IsShown) Cv2.DestroyWindow(Title);
            IsShown = false;
            Cv2.WaitKey(1); // let GTK process the destroy
        }).ConfigureAwait(false);
        _picture?.Dispose();
    }

    public ValueTask DisposeAsync() => CompleteAsync(CancellationToken.None);
}
