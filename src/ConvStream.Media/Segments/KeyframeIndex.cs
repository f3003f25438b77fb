using System.Globalization;
using ConvStream.Engine;
using ConvStream.Media.Ffmpeg;

namespace ConvStream.Media.Segments;

/// <summary>
/// Where a video file's first video stream can be cut without re-encoding the source: the frame
/// index and time of every keyframe, read by ffprobe from the packets (the container's index and
/// packet flags; nothing is decoded, so a 2-hour file takes seconds). Frame indices are counted
/// at the nominal frame rate from the first frame, as the decoder (<c>-r</c>, constant rate)
/// delivers them to the pipeline.
/// </summary>
public sealed record KeyframeIndex(string Path, int RateNumerator, int RateDenominator, long FrameCount,
    double FirstFrameSeconds, double StartSeconds, IReadOnlyList<long> KeyframeFrames)
{
    public double Rate => (double)RateNumerator / RateDenominator;

    /// <summary>
    /// The <c>-ss</c> (input option, accurate seek) that makes ffmpeg's first decoded frame the one
    /// at <paramref name="frame"/>, which must be a keyframe: a quarter frame before it, so rounding
    /// of the printed times can never skip it, and no earlier frame is at or after it.
    /// </summary>
    public TimeSpan SeekTo(long frame)
        => TimeSpan.FromSeconds(Math.Max(0, FirstFrameSeconds + frame / Rate - StartSeconds - 0.25 / Rate));

    public static KeyframeIndex Probe(string path, string? ffmpegPath = null)
    {
        var info = MediaProbe.Probe(path, ffmpegPath).Info;
        if (info.FrameRateNumerator <= 0 || info.FrameRateDenominator <= 0)
            throw new ConvStreamException($"{path}: ffprobe gives no frame rate for its video stream; segments need a constant frame rate");
        string ffprobe = FfmpegLocator.Find("ffprobe", ffmpegPath);
        using var child = ChildProcess.Start(ffprobe,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "format=start_time:packet=pts_time,flags", "-of", "csv", path],
            $"ffprobe listing the keyframes of {path}", redirectStdin: false, redirectStdout: true);
        var times = new List<double>();
        var keyTimes = new List<double>();
        double start = 0;
        long missing = 0;
        using (var reader = new StreamReader(child.Stdout!))
            for (string? line; (line = reader.ReadLine()) is not null;)
            {
                var f = line.Split(',');
                if (f[0] == "format") { if (f.Length > 1) double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out start); continue; }
                if (f[0] != "packet" || f.Length < 3) continue;
                if (!double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double t)) { missing++; continue; }
                times.Add(t);
                if (f[2].StartsWith('K')) keyTimes.Add(t);
            }
        if (!child.WaitForExit(TimeSpan.FromMinutes(10)) || child.ExitCode != 0)
            throw new ConvStreamException($"{path}: ffprobe cannot list its packets: {child.Stderr.Quote()}");
        if (times.Count == 0 || keyTimes.Count == 0 || missing > 0)
            throw new ConvStreamException($"{path}: no keyframe index (ffprobe finds {(missing > 0 ? $"{missing} video packets without a timestamp" : "no keyframe timestamps")}); " +
                "remux it into a container that has one first: ffmpeg -i IN -c copy OUT.mkv");
        double first = times.Min();
        double rate = (double)info.FrameRateNumerator / info.FrameRateDenominator;
        var frames = keyTimes.Select(t => (long)Math.Round((t - first) * rate)).Where(k => k >= 0).Distinct().Order().ToList();
        return new KeyframeIndex(path, info.FrameRateNumerator, info.FrameRateDenominator, times.Count, first, start, frames);
    }
}
