using System.Globalization;
using ConvStream.Engine;
using ConvStream.Media.Ffmpeg;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sources;

/// <summary>A video file in any format ffmpeg reads: probed with ffprobe, then decoded to bgr24 over a pipe.</summary>
public static class VideoFileSource
{
    public static FfmpegPipeSource Open(string path, FileSourceOptions? options = null)
    {
        options ??= new FileSourceOptions();
        if (options.Channels is not (1 or 3)) throw new ConvStreamException($"{path}: channels must be 1 (gray) or 3 (BGR), not {options.Channels}");
        if (!File.Exists(path)) throw new ConvStreamException($"{path}: no such file");
        string ffmpeg = FfmpegLocator.Find("ffmpeg", options.FfmpegPath);
        var probe = MediaProbe.Probe(path, options.FfmpegPath, channels: options.Channels);
        var info = probe.Info;
        if (options.Scale is (int w, int h))
        {
            if (w <= 0 || h <= 0) throw new ConvStreamException($"{path}: scale {w}x{h} must be positive");
            info = info with { Width = w, Height = h };
        }
        if (options.MaxFrames is long max && (info.FrameCount is null || info.FrameCount > max)) info = info with { FrameCount = max };

        var args = FfmpegArgs.Head(options);
        if (options.StopOnDecodeError) args.Add("-xerror");
        if (options.Start is TimeSpan start) args.AddRange(["-ss", start.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture)]);
        args.AddRange(["-i", path]);
        if (options.MaxFrames is long m) args.AddRange(["-frames:v", m.ToString(CultureInfo.InvariantCulture)]);
        // A constant output rate equal to the nominal one: frame i is at i/rate, as the encoder will assume.
        args.AddRange(["-r", FfmpegArgs.Rate(info.FrameRateNumerator, info.FrameRateDenominator)]);
        FfmpegArgs.RawOutput(args, options, passthroughTiming: false);
        var child = ChildProcess.Start(ffmpeg, args, $"ffmpeg decoding {path}", redirectStdin: false, redirectStdout: true);
        return new FfmpegPipeSource(child, info, path);
    }
}
