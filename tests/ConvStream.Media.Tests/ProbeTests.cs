using ConvStream.Media.Ffmpeg;
using ConvStream.Media.Sources;

namespace ConvStream.Media.Tests;

public sealed class ProbeTests
{
    [Fact]
    public void SampleClipIsWhatItsReadmeSays()
    {
        string sample = Path.Combine(AppContext.BaseDirectory, "sample.mp4");
        var p = MediaProbe.Probe(sample);
        Assert.Equal((640, 360, 30, 1, 120L, true, "h264", "aac"),
            (p.Info.Width, p.Info.Height, p.Info.FrameRateNumerator, p.Info.FrameRateDenominator, p.Info.FrameCount!.Value, p.Info.HasAudio, p.VideoCodec, p.AudioCodec));
        Assert.InRange(p.Info.Duration!.Value.TotalSeconds, 3.99, 4.01);
        Assert.True(new FileInfo(sample).Length <= 2 * 1024 * 1024);
    }

    [Fact]
    public async Task RotationIsReadAndFramesComeUpright()
    {
        string dir = MediaTestKit.NewFolder("rot");
        string src = MediaTestKit.MakeClip(dir, "src.mp4", 160, 120, 3);
        string rotated = Path.Combine(dir, "rot.mp4");
        // The legacy way to tag a phone video as "turn 90° clockwise to display".
        MediaTestKit.Run("ffmpeg", "-v", "error", "-i", src, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated);
        await using var source = VideoFileSource.Open(rotated);
        // ffmpeg versions disagree on which way that tag turns the display matrix (5.1 stores it
        // counter-clockwise); what matters is that Rotation agrees with the matrix and the frames.
        Assert.Contains(source.Info.Rotation, new[] { 90, 270 });
        Assert.Equal((120, 160), (source.Info.Width, source.Info.Height));
        var frames = await MediaTestKit.ReadAll(source);
        Assert.Equal(3, frames.Count);
        // Rotation is degrees clockwise: the frames are the unrotated picture turned that way.
        string turn = source.Info.Rotation == 90 ? "transpose=clock" : "transpose=cclock";
        var reference = MediaTestKit.DecodeWithFilter(src, 120, 160, turn);
        for (int i = 0; i < 3; i++) Assert.True(reference[i].AsSpan().SequenceEqual(frames[i]), $"frame {i} is not the source turned {source.Info.Rotation}° clockwise");
    }

    [Fact]
    public void FrameRatesAndDisplayMatrixParse()
    {
        const string json = """
            {"streams":[{"codec_type":"video","codec_name":"h264","width":1920,"height":1080,"r_frame_rate":"30000/1001","avg_frame_rate":"30000/1001",
              "side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]},
              {"codec_type":"audio","codec_name":"opus"}],"format":{"format_name":"matroska,webm","duration":"12.5"}}
            """;
        var p = MediaProbe.Parse(json, "x.mkv", 3);
        Assert.Equal((30000, 1001, 90, 1080, 1920, 375L, "opus"), (p.Info.FrameRateNumerator, p.Info.FrameRateDenominator, p.Info.Rotation, p.Info.Width, p.Info.Height, p.Info.FrameCount!.Value, p.AudioCodec));
    }
}
