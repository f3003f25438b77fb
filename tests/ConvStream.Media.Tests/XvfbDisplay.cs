using System.Diagnostics;

namespace ConvStream.Media.Tests;

/// <summary>
/// An X display for window tests: the DISPLAY already set, or a private Xvfb started for the test
/// (and stopped after). Null when neither exists: the test then says so and skips.
/// </summary>
internal sealed class XvfbDisplay : IDisposable
{
    private readonly Process? _xvfb;

    private XvfbDisplay(string display, Process? xvfb, bool owned)
    {
        Display = display;
        _xvfb = xvfb;
        Owned = owned;
    }

    public string Display { get; }
    public bool Owned { get; }

    public static XvfbDisplay? Start(int width = 640, int height = 480)
    {
        if (!OperatingSystem.IsLinux()) return null;
        string? xvfbPath = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, "Xvfb")).FirstOrDefault(File.Exists);
        if (xvfbPath is null)
        {
            string? existing = Environment.GetEnvironmentVariable("DISPLAY");
            return string.IsNullOrEmpty(existing) ? null : new XvfbDisplay(existing, null, false);
        }
        // A private display so parallel tests and a developer's session do not interfere.
        for (int n = 90 + Random.Shared.Next(0, 400); n < 1000; n++)
        {
            if (File.Exists($"/tmp/.X{n}-lock")) continue;
            var info = new ProcessStartInfo(xvfbPath) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { $":{n}", "-screen", "0", $"{width}x{height}x24", "-nolisten", "tcp" }) info.ArgumentList.Add(a);
            var p = Process.Start(info)!;
            p.BeginErrorReadLine();
            p.BeginOutputReadLine();
            for (int i = 0; i < 50 && !p.HasExited; i++)
            {
                if (File.Exists($"/tmp/.X11-unix/X{n}")) return new XvfbDisplay($":{n}", p, true);
                Thread.Sleep(100);
            }
            if (!p.HasExited) { p.Kill(); p.WaitForExit(); }
        }
        return null;
    }

    /// <summary>A screenshot of the whole screen as packed bgr24, through ffmpeg's x11grab.</summary>
    public byte[] Screenshot(int width, int height)
    {
        var info = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-f", "x11grab", "-draw_mouse", "0", "-video_size", $"{width}x{height}", "-i", Display + ".0+0,0", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "bgr24", "-" })
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("x11grab failed: " + err.Result);
        return ms.ToArray();
    }

    public void Dispose()
    {
        if (_xvfb is null) return;
        try { _xvfb.Kill(); _xvfb.WaitForExit(5000); } catch (InvalidOperationException) { }
        _xvfb.Dispose();
    }
}
