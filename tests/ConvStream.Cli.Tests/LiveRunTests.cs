using System.Globalization;
using System.Text.RegularExpressions;

namespace ConvStream.Cli.Tests;

/// <summary>
/// A live run whose stage is too slow for the camera drops frames, yet its recordings last as long
/// as the run: 60 captured frames at 30 fps give a 60-frame, 2-second video, a 60-frame Y4M and 60
/// images (frames over the gaps repeated), where they used to hold only the frames that got through.
/// </summary>
public class LiveRunTests
{
    [Fact]
    public void ALiveRecordingLastsAsLongAsTheRun()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), """
            { "stages": [ { "name": "blur", "op": "gaussian", "input": "source", "size": 101, "sigma": 0 } ],
              "outputs": [ { "kind": "file", "stage": "blur", "path": "blur.mkv" },
                           { "kind": "file", "stage": "blur", "path": "blur.y4m" },
                           { "kind": "images", "stage": "blur", "path": "frames" } ] }
            """);
        var r = ConvstreamProcess.Run(work.Path, "run", "p.json", "--live", "--input", "test:640x360@30", "--frames", "60", "--output", "out");
        Assert.True(r.ExitCode == 0, r.ToString());
        var summary = Regex.Match(r.Stdout, @"60 frames in .*, (\d+) dropped, live mode");
        Assert.True(summary.Success, r.Stdout);
        int dropped = int.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture);
        var video = PipelineMedia.Video(work.File("out/blur.mkv"));
        Assert.Equal(60, video.Frames);
        Assert.Equal("30/1", video.Rate);
        var y4m = PipelineMedia.Video(work.File("out/blur.y4m"));
        Assert.Equal((60, "30/1"), (y4m.Frames, y4m.Rate));
        Assert.Equal(60, Directory.GetFiles(work.File("out/frames"), "*.png").Length);
        Assert.Empty(Directory.GetFiles(work.File("out/frames"), ".*"));
        // An output that repeated frames says so (each output has its own queue, so their drops may differ).
        if (dropped > 0) Assert.Matches(@"wrote out/(blur\.mkv|blur\.y4m|frames/%06d\.png) \(60 frames, \d+ of them repeats of the frame before a dropped one", r.Stdout);
    }
}
