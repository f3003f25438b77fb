using ConvStream.Media.Images;
using ConvStream.Media.Tests;
using Xunit.Abstractions;

namespace ConvStream.Cli.Tests;

/// <summary>
/// The <c>window</c> output of <c>convstream run</c>, drawn by OpenCV's highgui under a private Xvfb:
/// the screenshot holds the stage's picture (checked pixel for pixel against the PNG the s key saves),
/// space freezes and resumes it, q ends the run cleanly (exit 0, the other outputs finished).
/// </summary>
public sealed class WindowOutputTests(ITestOutputHelper output)
{
    private const string Pipeline = """
        {
          "source": "live:testsrc:160x120@30",
          "stages": [ { "name": "blur", "op": "gaussian", "input": "source", "size": 3, "sigma": 0 } ],
          "outputs": [
            { "kind": "window", "stage": "blur", "overlay": false },
            { "kind": "images", "stage": "blur", "path": "frames/%05d.png" },
          ],
          "schedule": { "mode": "live" },
        }
        """;

    /// <summary>The top-left 160×120 of a 640×480 bgr24 screenshot: where the window sits on a display without a window manager.</summary>
    private static byte[] Window(byte[] screen)
    {
        var region = new byte[160 * 120 * 3];
        for (int y = 0; y < 120; y++) Array.Copy(screen, y * 640 * 3, region, y * 160 * 3, 160 * 3);
        return region;
    }

    [Fact]
    public async Task WindowShowsTheStageAndObeysTheKeys()
    {
        using var x = XvfbDisplay.Start(640, 480);
        if (x is null) { output.WriteLine("SKIPPED: no Xvfb (apt-get install xvfb)"); return; }
        using var work = new TempFolder();
        File.WriteAllText(work.File("w.json"), Pipeline);
        using var run = ConvstreamProcess.Start(work.Path, new Dictionary<string, string?> { ["DISPLAY"] = x.Display }, "run", "w.json", "--output", "out");
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        try
        {
            // Wait for the picture: most of the window's pixels lit (testsrc2 is colourful, an empty X screen black).
            byte[] shot = [];
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(40) && !run.HasExited)
            {
                shot = Window(x.Screenshot(640, 480));
                if (shot.Count(b => b > 16) > shot.Length / 2) break;
                await Task.Delay(200);
            }
            if (run.HasExited) Assert.Fail($"convstream ended early: {await stderr}");
            Assert.True(shot.Count(b => b > 16) > shot.Length / 2, "the window's picture never appeared on the screen");

            using var keys = new XTestKeyboard(x.Display);
            keys.Press(' ');
            await Task.Delay(500);
            byte[] paused1 = Window(x.Screenshot(640, 480));
            await Task.Delay(700);
            byte[] paused2 = Window(x.Screenshot(640, 480));
            Assert.True(paused1.AsSpan().SequenceEqual(paused2), "space did not freeze the picture");

            keys.Press('s');
            string saved = work.File("out/blur-0001.png");
            for (int i = 0; i < 50 && !File.Exists(saved); i++) await Task.Delay(100);
            Assert.True(File.Exists(saved), "s did not save out/blur-0001.png");
            await Task.Delay(200);
            // The saved PNG is exactly what the screen shows: the stage's frame, drawn without change.
            Assert.True(ImageFile.Read(saved).ToPacked().AsSpan().SequenceEqual(paused2), "the screenshot differs from the saved picture");

            keys.Press(' ');
            await Task.Delay(800);
            Assert.False(Window(x.Screenshot(640, 480)).AsSpan().SequenceEqual(paused2), "space did not resume the picture");

            keys.Press('q');
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await run.WaitForExitAsync(timeout.Token);
            string errors = await stderr;
            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {errors}");
            string text = await stdout;
            // A live run that dropped frames says how many it repeated before naming the backend.
            Assert.Matches(@"wrote out/frames/%05d\.png( \(\d+ frames, \d+ of them repeats [^)]*\))? via opencv \(imgcodecs\)", text);
            Assert.NotEmpty(Directory.GetFiles(work.File("out/frames"), "*.png"));
        }
        finally
        {
            if (!run.HasExited) run.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void WindowWithoutADisplayIsOneLineBeforeAnyFile()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("w.json"), Pipeline);
        var r = ConvstreamProcess.Run(work.Path, new Dictionary<string, string?> { ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null }, "run", "w.json", "--output", "out", "--frames", "5");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("convstream run: window 'blur': no display to show it on (DISPLAY is not set); use a file output, or run under a desktop or xvfb-run", Assert.Single(r.StderrLines));
    }
}
