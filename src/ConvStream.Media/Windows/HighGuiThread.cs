using System.Collections.Concurrent;
using OpenCvSharp;

namespace ConvStream.Media.Windows;

/// <summary>
/// The one thread that talks to OpenCV's highgui (it is single-threaded: every ImShow, WaitKey and
/// window call of the process happens here). It shows each window's newest frame, pumps events with
/// WaitKey, and turns keys and closed windows into <see cref="WindowCommand"/>s for every window:
/// q or Esc stop the run, space pauses and resumes, s saves a PNG of every window.
/// </summary>
internal sealed class HighGuiThread
{
    private static readonly Lazy<HighGuiThread> Shared = new(() => new HighGuiThread(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly BlockingCollection<Action> _work = new();
    private readonly List<WindowSink> _windows = new();
    private readonly Thread _thread;

    private HighGuiThread()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "ConvStream highgui" };
        _thread.Start();
    }

    public static HighGuiThread Instance => Shared.Value;

    public Task InvokeAsync(Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try { action(); done.SetResult(); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    public void Add(WindowSink window) => _work.Add(() => _windows.Add(window));

    public void Remove(WindowSink window) => _work.Add(() => _windows.Remove(window));

    private void Run()
    {
        while (true)
        {
            // Work first (open/close windows), then one round of drawing and event pumping.
            while (_work.TryTake(out var action, _windows.Count == 0 ? 50 : 0)) action();
            if (_windows.Count == 0) continue;
            foreach (var w in _windows) w.DrawIfChanged();
            int key = Cv2.WaitKey(10);
            var command = key switch
            {
                'q' or 'Q' or 27 => WindowCommand.Stop,
                ' ' => WindowCommand.TogglePause,
                's' or 'S' => WindowCommand.Save,
                _ => WindowCommand.None,
            };
            if (command != WindowCommand.None)
                foreach (var w in _windows.ToArray()) w.Handle(command);
            // A window is "closed" once it was visible and is not any more (before its first map it reads 0 too).
            foreach (var w in _windows.ToArray())
            {
                if (!w.IsShown) continue;
                bool visible = Cv2.GetWindowProperty(w.Title, WindowPropertyFlags.Visible) >= 1;
                if (visible) w.WasVisible = true;
                else if (w.WasVisible) w.Handle(WindowCommand.Closed);
            }
        }
    }
}


/// <summary>What a key or the window manager asked for.</summary>
public enum WindowCommand { None, Stop, TogglePause, Save, Closed }
