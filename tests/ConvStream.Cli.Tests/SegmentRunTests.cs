namespace ConvStream.Cli.Tests;

/// <summary>One clip, its single run and its --segments 4 run, made once for the class.</summary>
public sealed class SegmentRunFixture : IDisposable
{
    public SegmentRunFixture()
    {
        Clip = SegmentMedia.MakeClip(Work);
        Pipeline = SegmentMedia.MakePipeline(Work, Clip);
        Single = ConvstreamProcess.Run(Work.Path, "run", Pipeline, "--output", "single");
        Segmented = ConvstreamProcess.Run(Work.Path, "run", Pipeline, "--segments", "4", "--output", "seg");
    }

    internal TempFolder Work { get; } = new();
    public string Clip { get; }
    public string Pipeline { get; }
    internal CommandResult Single { get; }
    internal CommandResult Segmented { get; }

    public void Dispose() => Work.Dispose();
}

/// <summary>
/// <c>run --segments 4</c> against a single run of the same pipeline on a 64-frame clip with 8
/// keyframes and audio: the lossless video output has the same frames (decoded bytes), timestamps,
/// durations and rate and the same audio; the image output the same files under the same names.
/// </summary>
public class SegmentRunTests(SegmentRunFixture f) : IClassFixture<SegmentRunFixture>
{
    [Fact]
    public void Both_runs_succeed_and_the_segmented_one_joins_four_segments()
    {
        Assert.True(f.Single.ExitCode == 0, f.Single.ToString());
        Assert.True(f.Segmented.ExitCode == 0, f.Segmented.ToString());
        for (int i = 0; i < 4; i++) Assert.Contains($"segment {i}/4: frames {i * 16}..{i * 16 + 15}", f.Segmented.Stdout);
        Assert.Contains("joined seg/blur.mkv (64 frames from 4 segments)", f.Segmented.Stdout);
        // The progress line shows every worker.
        Assert.Contains(f.Segmented.StderrLines, l => l.StartsWith("segments 0:", StringComparison.Ordinal) && l.Contains(" 3:", StringComparison.Ordinal));
    }

    [Fact]
    public void Lossless_video_is_frame_identical_with_the_same_timestamps_and_rate()
    {
        string single = f.Work.File("single/blur.mkv"), joined = f.Work.File("seg/blur.mkv");
        var a = SegmentMedia.VideoFrames(single);
        var b = SegmentMedia.VideoFrames(joined);
        Assert.Equal(SegmentMedia.Frames, a.Length);
        Assert.Equal(a, b); // pts, duration, size and md5 of every decoded frame
        Assert.Equal(PipelineMedia.Video(single).Rate, PipelineMedia.Video(joined).Rate);
        Assert.Equal("25/1", PipelineMedia.Video(joined).Rate);
    }

    [Fact]
    public void Lossy_h264_output_has_the_same_frame_count_timestamps_and_rate()
    {
        // Not the same bytes: x264 starts a GOP at every cut. The same frames in time, though.
        static string[] Timing(string file) => SegmentMedia.VideoFrames(file).Select(l => string.Join(",", l.Split(',').Take(2))).ToArray();
        string single = f.Work.File("single/blur.mp4"), joined = f.Work.File("seg/blur.mp4");
        Assert.Equal(SegmentMedia.Frames, Timing(single).Length);
        Assert.Equal(Timing(single), Timing(joined));
        Assert.Equal(PipelineMedia.Video(single).Rate, PipelineMedia.Video(joined).Rate);
        Assert.Contains(PipelineMedia.Streams(joined), s => s.Type == "audio");
    }

    [Fact]
    public void Audio_is_muxed_once_over_the_whole_and_equals_the_single_runs()
    {
        string joined = f.Work.File("seg/blur.mkv");
        Assert.Contains(PipelineMedia.Streams(joined), s => s.Type == "audio");
        Assert.Equal(SegmentMedia.AudioMd5(f.Work.File("single/blur.mkv")), SegmentMedia.AudioMd5(joined));
        // The parts carry no audio: it is never concatenated per segment.
        Assert.DoesNotContain(PipelineMedia.Streams(f.Work.File("seg/segments/1/blur.mkv")), s => s.Type == "audio");
    }

    [Fact]
    public void Image_sequence_gets_one_global_numbering_with_identical_images()
    {
        var a = SegmentMedia.Images(f.Work.File("single/edges"));
        var b = SegmentMedia.Images(f.Work.File("seg/edges"));
        Assert.Equal(SegmentMedia.Frames, a.Count);
        Assert.Contains("000063.png", b.Keys);
        Assert.Equal(a.OrderBy(p => p.Key), b.OrderBy(p => p.Key));
    }
}

/// <summary>
/// Temporal stages: a centred tmix feeding another tmix (5 frames before, 2 after in all). Each
/// segment reads that margin around its range and keeps only its own frames, so the joined FFV1
/// outputs of both stages equal a single run's, frame for frame.
/// </summary>
public class TemporalSegmentTests
{
    [Fact]
    public void Temporal_pipeline_in_four_segments_is_frame_identical_to_a_single_run()
    {
        using var work = new TempFolder();
        string clip = SegmentMedia.MakeClip(work);
        File.WriteAllText(work.File("t.json"), $$"""
            { "source": {{PipelineMedia.Json(clip)}},
              "stages": [ { "name": "smooth", "op": "tmix", "input": "source", "weights": "1;2;1", "mode": "centred" },
                          { "name": "trail", "op": "tmix", "input": "smooth", "weights": "1;1;1;1" } ],
              "outputs": [ { "kind": "file", "stage": "trail", "path": "trail.mkv" }, { "kind": "file", "stage": "smooth", "path": "smooth.mkv" } ] }
            """);
        var single = ConvstreamProcess.Run(work.Path, "run", "t.json", "--output", "single");
        var segmented = ConvstreamProcess.Run(work.Path, "run", "t.json", "--segments", "4", "--output", "seg");
        Assert.True(single.ExitCode == 0, single.ToString());
        Assert.True(segmented.ExitCode == 0, segmented.ToString());
        Assert.Contains("joined seg/trail.mkv (64 frames from 4 segments)", segmented.Stdout);
        foreach (string name in new[] { "trail.mkv", "smooth.mkv" })
        {
            var expected = SegmentMedia.VideoFrames(work.File("single/" + name));
            Assert.Equal(SegmentMedia.Frames, expected.Length);
            Assert.Equal(expected, SegmentMedia.VideoFrames(work.File("seg/" + name)));
        }
    }
}
