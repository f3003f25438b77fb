using System.Globalization;
using ConvStream.Engine;
using ConvStream.Media.Ffmpeg;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sources;

/// <summary>
/// A numbered image sequence (<c>frames/frame_%05d.png</c>) starting at the first existing index
/// among 0..4, at a frame rate of the caller's choosing. The formats OpenCV's imgcodecs reads (PNG,
/// JPEG, BMP, TIFF, WebP, PGM/PPM) are decoded in-process (<see cref="ImageFilesSource"/>); others,
/// and sequences to be scaled, go through ffmpeg's image2 demuxer.
/// </summary>
public static class ImageSequenceSource
{
    public static IVideoSource Open(string pattern, int rateNumerator = 30, int rateDenominator = 1, SourceOptions? options = null)
    {
        options ??= new SourceOptions();
        if (Images.ImageFormat.OfExtension(Path.GetExtension(pattern)) is not null && options.Scale is null)
            return ImageFilesSource.Open(pattern, rateNumerator, rateDenominator, options.Channels);
        return OpenWithFfmpeg(pattern, rateNumerator, rateDenominator, options);
    }

    public static FfmpegPipeSource OpenWithFfmpeg(string pattern, int rateNumerator = 30, int rateDenominator = 1, SourceOptions? options = null)
    {
        options ??= new SourceOptions();
        var seq = new ImageSequencePattern(pattern);
        var (start, count) = seq.Find();
        string first = seq.PathOf(start);
        var probed = MediaProbe.Probe(first, options.FfmpegPath, channels: options.Channels).Info;
        var info = new VideoInfo
        {
            Width = options.Scale?.Width ?? probed.Width, Height = options.Scale?.Height ?? probed.Height, Channels = options.Channels,
            FrameRateNumerator = rateNumerator, FrameRateDenominator = rateDenominator, FrameCount = count,
            Duration = TimeSpan.FromSeconds((double)count * rateDenominator / rateNumerator),
        };
        string ffmpeg = FfmpegLocator.Find("ffmpeg", options.FfmpegPath);
        var args = FfmpegArgs.Head(options);
        args.AddRange(["-f", "image2", "-framerate", FfmpegArgs.Rate(rateNumerator, rateDenominator),
            "-start_number", start.ToString(CultureInfo.InvariantCulture), "-i", pattern,
            "-frames:v", count.ToString(CultureInfo.InvariantCulture)]);
        FfmpegArgs.RawOutput(args, options, passthroughTiming: false);
        var child = ChildProcess.Start(ffmpeg, args, $"ffmpeg reading {pattern}", redirectStdin: false, redirectStdout: true);
        return new FfmpegPipeSource(child, info, pattern);
    }
}
