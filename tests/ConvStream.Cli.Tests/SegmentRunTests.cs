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
