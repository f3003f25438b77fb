using System.Globalization;
using ConvStream.Engine;
using ConvStream.Media.Ffmpeg;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sources;

/// <summary>
/// ffmpeg's lavfi test pattern (<c>testsrc2</c>: moving bars, a counter, edges) or any lavfi graph.
/// Paced in real time (<see cref="TestSourceOptions.Live"/>) it behaves as a camera does, newest
/// frame first with drops counted, and stands in for one in demos and tests.
/// </summary>
public static class TestSource
{
    public static IVideoSource Open(TestSourceOptions? options = null)
    {
        options ??= new TestSourceOptions();
        if (options.Channels is not (1 or 3)) throw new ConvStreamException($"test source: channels must be 1 (gray) or 3 (BGR), not {options.Channels}");
        string ffmpeg = FfmpegLocator.Find("ffmpeg", options.FfmpegPath);
        string graph;
        VideoInfo info;
        if (options.Graph is null)
        {
            if (options.Width <= 0 || options.Height <= 0) throw new ConvStreamException($"test source: size {options.Width}x{options.Height} must be positive");
            if (options.RateNumerator <= 0 || options.RateDenominator <= 0) throw new ConvStreamException($"test source: frame rate {options.RateNumerator}/{options.RateDenominator} must be positive");
            graph = $"testsrc2=size={options.Width}x{options.Height}:rate={FfmpegArgs.Rate(options.RateNumerator, options.RateDenominator)}";
            info = new VideoInfo
            {
                Width = options.Width, Height = options.Height, Channels = options.Channels,
                FrameRateNumerator = options.RateNumerator, FrameRateDenominator = options.RateDenominator,
            };
        }
        else
        {
            graph = options.Graph;
            info = MediaProbe.Probe(graph, options.FfmpegPath, "lavfi", options.Channels).Info with { SourcePath = null, HasAudio = false, FrameCount = null, Duration = null };
        }
        if (options.Scale is (int w, int h)) info = info with { Width = w, Height = h };
        info = info with { FrameCount = options.FrameCount, IsLive = options.Live };

        var args = FfmpegArgs.Head(options);
        if (options.Live) args.Add("-re");
        args.AddRange(["-f", "lavfi", "-i", graph]);
        if (options.FrameCount is long n) args.AddRange(["-frames:v", n.ToString(CultureInfo.InvariantCulture)]);
        FfmpegArgs.RawOutput(args, options, passthroughTiming: options.Live);
        string description = $"test source {graph}";
        var child = ChildProcess.Start(ffmpeg, args, $"ffmpeg {description}", redirectStdin: false, redirectStdout: true);
        return options.Live ? new LiveFfmpegSource(child, info, description) : new FfmpegPipeSource(child, info, description);
    }
}
