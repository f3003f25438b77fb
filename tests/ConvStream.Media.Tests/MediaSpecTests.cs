using ConvStream.Engine;
using ConvStream.Media.Preview;
using ConvStream.Media.Sinks;
using ConvStream.Media.Sources;
using ConvStream.Media.Y4m;
using ConvStream.Pipeline.Outputs;

namespace ConvStream.Media.Tests;

public sealed class MediaSpecTests
{
    [Fact]
    public async Task SourceSpecsOpenTheRightKindOfSource()
    {
        await using (var t = MediaSpec.OpenSource("testsrc:96x64@25"))
        {
            Assert.IsType<FfmpegPipeSource>(t);
            Assert.Equal((96, 64, 25, 1, false), (t.Info.Width, t.Info.Height, t.Info.FrameRateNumerator, t.Info.FrameRateDenominator, t.Info.IsLive));
        }
        await using (var l = MediaSpec.OpenSource("live:testsrc:96x64@30000/1001", channels: 1))
        {
            Assert.IsType<LiveFfmpegSource>(l);
            Assert.Equal((1, 30000, 1001, true), (l.Info.Channels, l.Info.FrameRateNumerator, l.Info.FrameRateDenominator, l.Info.IsLive));
        }
        await using (var g = MediaSpec.OpenSource("lavfi:color=c=red:s=50x40:r=10"))
            Assert.Equal((50, 40, 10), (g.Info.Width, g.Info.Height, g.Info.FrameRateNumerator));
        Assert.Contains("size 'big' is not WIDTHxHEIGHT", Assert.Throws<ConvStreamException>(() => MediaSpec.OpenSource("testsrc:big")).Message);
        Assert.Contains("live: applies to", Assert.Throws<ConvStreamException>(() => MediaSpec.OpenSource("live:in.mp4")).Message);
    }

    [Fact]
    public async Task SinkSpecsOpenTheRightKindOfSink()
    {
        string dir = MediaTestKit.NewFolder("spec");
        Assert.IsType<NullSink>(MediaSpec.OpenSink("null"));
        Assert.IsType<PreviewSink>(MediaSpec.OpenSink("preview:gauss"));
        Assert.Equal("preview window 'gauss'", MediaSpec.OpenSink("preview:gauss").Description);
        Assert.IsType<ImageSequenceSink>(MediaSpec.OpenSink(Path.Combine(dir, "f_%04d.png")));
        await using var y = MediaSpec.OpenSink(Path.Combine(dir, "o.y4m"));
        Assert.IsType<Y4mSink>(y);
        Assert.IsType<VideoFileSink>(MediaSpec.OpenSink(Path.Combine(dir, "o.mkv")));
        Assert.Contains("does not exist", Assert.Throws<ConvStreamException>(() => MediaSpec.OpenSink(Path.Combine(dir, "nope", "o.mp4"))).Message);
    }
}
