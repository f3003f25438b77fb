using System.Globalization;

namespace ConvStream.Cli.Tests;

/// <summary>
/// Segments refused or failing, each with one clear line: a live or camera source, --segments 0,
/// more segments than keyframes (fewer, said once), a file without keyframe timestamps, a
/// running average (state over every earlier frame), a worker that fails (the others stopped, nothing joined), and a join over
/// manifests of two different pipelines.
/// </summary>
public class SegmentErrorTests
{
    private static string LastLine(CommandResult r) => r.StderrLines.Last(l => l.StartsWith("convstream", StringComparison.Ordinal));

    [Theory]
    [InlineData("test:160x120@30")]
    [InlineData("webcam:0")]
    public void Live_or_camera_source_is_refused(string input)
    {
        using var work = new TempFolder();
        string pipeline = SegmentMedia.MakePipeline(work, "clip.mp4");
        var r = ConvstreamProcess.Run(work.Path, "run", pipeline, "--input", input, "--segments", "2", "--output", "out");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"input '{input}' is a camera, test, live or image-sequence source, not a video file", LastLine(r));
        Assert.False(Directory.Exists(work.File("out")));
    }

    [Theory]
    [InlineData("--segments", "0", "option --segments '0' must be a positive integer")]
    [InlineData("--segment", "4/4", "option --segment '4/4' must be I/N with 0 <= I < N")]
    public void Bad_segment_options_do_not_parse(string option, string value, string message)
    {
        using var work = new TempFolder();
        string pipeline = SegmentMedia.MakePipeline(work, "clip.mp4");
        var r = ConvstreamProcess.Run(work.Path, "run", pipeline, option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }

    [Fact]
    public void More_segments_than_keyframes_runs_fewer_and_says_so_once()
    {
        using var work = new TempFolder();
        string clip = SegmentMedia.MakeClip(work, gop: 32); // keyframes at frames 0 and 32
        string pipeline = SegmentMedia.MakePipeline(work, clip);
        var r = ConvstreamProcess.Run(work.Path, "run", pipeline, "--segments", "3", "--output", "out");
        Assert.True(r.ExitCode == 0, r.ToString());
        var notes = r.StderrLines.Where(l => l.Contains("allow 2 segment(s), not 3: running 2", StringComparison.Ordinal)).ToList();
        Assert.Single(notes);
        Assert.Contains("joined out/blur.mkv (64 frames from 2 segments)", r.Stdout);
        Assert.Equal(SegmentMedia.Frames, PipelineMedia.Video(work.File("out/blur.mkv")).Frames);
    }

    [Fact]
    public void Input_without_keyframe_timestamps_is_refused()
    {
        using var work = new TempFolder();
        string clip = SegmentMedia.MakeClip(work);
        PipelineMedia.Tool("ffmpeg", "-v", "error", "-nostdin", "-i", clip, "-c:v", "copy", "-an", "-f", "h264", "-y", work.File("raw.h264"));
        string pipeline = SegmentMedia.MakePipeline(work, work.File("raw.h264"));
        var r = ConvstreamProcess.Run(work.Path, "run", pipeline, "--segments", "2", "--output", "out");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("raw.h264: no keyframe index (ffprobe finds 64 video packets without a timestamp)", LastLine(r));
    }

    [Fact]
    public void Running_average_is_refused()
    {
        using var work = new TempFolder();
        string clip = SegmentMedia.MakeClip(work);
        File.WriteAllText(work.File("t.json"), $$"""
            { "source": {{PipelineMedia.Json(clip)}},
              "stages": [ { "name": "background", "op": "running-average", "input": "source", "alpha": 0.1 } ],
              "outputs": [ { "kind": "file", "stage": "background", "path": "t.mkv" } ] }
            """);
        var r = ConvstreamProcess.Run(work.Path, "run", "t.json", "--segments", "2", "--output", "out");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("stage 'background' keeps a running state over every earlier frame, which no segment can start with", LastLine(r));
    }

    [Fact]
    public void Failed_worker_stops_the_others_names_its_segment_and_nothing_is_joined()
    {
        using var work = new TempFolder();
        string clip = SegmentMedia.MakeClip(work);
        // Damage the keyframe at frame 40 (segments 2 and 3 decode it; with --on-decode-error stop they fail).
        string csv = PipelineMedia.Tool("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,pos,flags", "-of", "csv=p=0", clip);
        long pos = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(','))
            .Where(f => f[0] == "1.600000" && f[2].StartsWith('K')).Select(f => long.Parse(f[1], CultureInfo.InvariantCulture)).Single();
        using (var s = new FileStream(clip, FileMode.Open, FileAccess.Write)) { s.Position = pos + 20; s.Write(Enumerable.Repeat((byte)0xff, 600).ToArray()); }
        string pipeline = SegmentMedia.MakePipeline(work, clip);
        var r = ConvstreamProcess.Run(work.Path, "run", pipeline, "--segments", "4", "--on-decode-error", "stop", "--output", "out");
        Assert.Equal(1, r.ExitCode);
        var m = System.Text.RegularExpressions.Regex.Match(LastLine(r), @"segment ([0-3])/4 failed \(worker exit 1\): .*decod.*; the other workers were stopped, nothing joined");
        Assert.True(m.Success, r.ToString());
        Assert.InRange(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 2, 3);
        Assert.False(File.Exists(work.File($"out/segments/{m.Groups[1].Value}/segment.json")));
        Assert.False(File.Exists(work.File("out/blur.mkv")));
        Assert.False(Directory.Exists(work.File("out/edges")));
        Assert.Empty(Directory.GetFiles(work.File("out"), "*partial*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Join_over_manifests_of_different_pipelines_is_refused()
    {
        using var work = new TempFolder();
        string clip = SegmentMedia.MakeClip(work);
        string a = SegmentMedia.MakePipeline(work, clip, "a.json"), b = SegmentMedia.MakePipeline(work, clip, "b.json", sigma: "2");
        Assert.Equal(0, ConvstreamProcess.Run(work.Path, "run", a, "--segment", "0/2", "--output", "out").ExitCode);
        Assert.Equal(0, ConvstreamProcess.Run(work.Path, "run", b, "--segment", "1/2", "--output", "out").ExitCode);
        var r = ConvstreamProcess.Run(work.Path, "join", "out");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("made by pipeline", LastLine(r));
        Assert.Contains("the manifests disagree", LastLine(r));
        Assert.False(File.Exists(work.File("out/blur.mkv")));
    }

    [Fact]
    public void Join_without_segments_is_refused()
    {
        using var work = new TempFolder();
        var r = ConvstreamProcess.Run(work.Path, "join", "out");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("out: no segments folder", LastLine(r));
    }
}
