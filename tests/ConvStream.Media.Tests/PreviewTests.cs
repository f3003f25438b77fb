using ConvStream.Engine.Imaging;
using ConvStream.Media.Preview;
using ConvStream.Pipeline.Video;
using Xunit.Abstractions;

namespace ConvStream.Media.Tests;

public sealed class PreviewTests(ITestOutputHelper output)
{
    private static int CountNear(byte[] bgr, byte b, byte g, byte r, int tolerance = 12)
    {
        int n = 0;
        for (int i = 0; i + 2 < bgr.Length; i += 3)
            if (Math.Abs(bgr[i] - b) <= tolerance && Math.Abs(bgr[i + 1] - g) <= tolerance && Math.Abs(bgr[i + 2] - r) <= tolerance) n++;
        return n;
    }

    [Fact]
    public async Task PreviewWindowShowsTheFramesUnderXvfb()
    {
        using var x = XvfbDisplay.Start(640, 480);
        if (x is null) { output.WriteLine("SKIPPED: no DISPLAY and no Xvfb (apt-get install xvfb)"); return; }
        var frame = new Frame(200, 150, 3);
        // Pure red (BGR 0,0,255) with a green band: colours no empty X screen has.
        for (int y = 0; y < 150; y++)
        {
            var row = frame.RowSpan(y);
            for (int i = 0; i < 200; i++) { row[3 * i] = 0; row[3 * i + 1] = y < 50 ? (byte)255 : (byte)0; row[3 * i + 2] = y < 50 ? (byte)0 : (byte)255; }
        }
        int pid;
        byte[] shot;
        await using (var preview = new PreviewSink(new PreviewOptions { Title = "test", Display = x.Display, Position = (10, 10) }))
        {
            await preview.OpenAsync(200, 150, 3, new VideoInfo { Width = 200, Height = 150, Channels = 3 }, CancellationToken.None);
            pid = preview.ProcessId!.Value;
            // ffplay takes a second or two to bring up its window (SDL init): keep feeding frames and
            // take screenshots until the window shows up, for at most 20 s.
            shot = [];
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; watch.Elapsed < TimeSpan.FromSeconds(20); i++)
            {
                await preview.WriteAsync(frame, new FrameStamp(i, TimeSpan.Zero, 0), CancellationToken.None);
                await Task.Delay(40);
                if (i % 10 != 9) continue;
                shot = x.Screenshot(640, 480);
                if (CountNear(shot, 0, 0, 255) > 0) { await Task.Delay(300); shot = x.Screenshot(640, 480); break; }
            }
            output.WriteLine($"shown {preview.FramesShown}, dropped {preview.DroppedFrames} after {watch.Elapsed.TotalSeconds:0.0} s; ffplay said: {preview.Log!.Quote(10)}");
            Assert.True(preview.FramesShown > 0);
        }
        int red = CountNear(shot, 0, 0, 255), green = CountNear(shot, 0, 255, 0);
        output.WriteLine($"red pixels {red}, green pixels {green}");
        // The window shows 200x100 red and 200x50 green pixels (allow for scaling and borders).
        Assert.InRange(red, 200 * 100 * 8 / 10, 200 * 100 * 12 / 10);
        Assert.InRange(green, 200 * 50 * 8 / 10, 200 * 50 * 12 / 10);
        Assert.True(MediaTestKit.IsGone(pid), "ffplay is still running after the preview was disposed");
    }

    [Fact]
    public async Task ClosingTheWindowStopsTheNextWriteWithAClearError()
    {
        if (!OperatingSystem.IsLinux()) return;
        // No X server needed: SDL falls back to an offscreen driver. The user closing the window
        // looks like ffplay exiting, which is what killing it does.
        var preview = new PreviewSink(new PreviewOptions { Display = ":31999" });
        await preview.OpenAsync(64, 48, 3, new VideoInfo { Width = 64, Height = 48, Channels = 3 }, CancellationToken.None);
        int pid = preview.ProcessId!.Value;
        var frame = new Frame(64, 48, 3);
        await preview.WriteAsync(frame, new FrameStamp(0, TimeSpan.Zero, 0), CancellationToken.None);
        System.Diagnostics.Process.GetProcessById(pid).Kill();
        var e = await Assert.ThrowsAsync<ConvStream.Engine.ConvStreamException>(async () =>
        {
            for (int i = 1; i < 400; i++)
            {
                await preview.WriteAsync(frame, new FrameStamp(i, TimeSpan.Zero, 0), CancellationToken.None);
                await Task.Delay(25);
            }
        });
        output.WriteLine(e.Message);
        Assert.StartsWith("preview window 'ConvStream' was closed", e.Message);
        await preview.DisposeAsync();
        Assert.True(MediaTestKit.IsGone(pid));
    }
}
