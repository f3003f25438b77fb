using System.Globalization;
using ConvStream.Engine;
using ConvStream.Media.Preview;
using ConvStream.Media.Sinks;
using ConvStream.Media.Sources;
using ConvStream.Media.Y4m;
using ConvStream.Pipeline.Outputs;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media;

/// <summary>
/// Opens sources and sinks from the short strings users type (pipeline files, the CLI):
/// <list type="bullet">
/// <item>sources: <c>in.mp4</c> (any file ffmpeg reads), <c>clip.y4m</c> (native), <c>frames/f_%05d.png</c>,
/// <c>camera:0</c> or <c>camera:NAME</c>, <c>testsrc</c>, <c>testsrc:640x360@30</c>, <c>live:testsrc:640x360@30</c>
/// (paced like a camera), <c>lavfi:GRAPH</c>;</item>
/// <item>sinks: <c>out.mp4</c>/<c>.mov</c>/<c>.mkv</c>/<c>.webm</c>/<c>.avi</c>, <c>out.y4m</c>, <c>out/f_%05d.png</c>,
/// <c>null</c>, <c>preview</c> or <c>preview:TITLE</c>.</item>
/// </list>
/// </summary>
public static class MediaSpec
{
    public static IVideoSource OpenSource(string spec, int channels = 3, string? ffmpegPath = null, double imageSequenceRate = 30)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new ConvStreamException("source is empty");
        bool live = false;
        string s = spec;
        if (s.StartsWith("live:", StringComparison.Ordinal)) { live = true; s = s[5..]; }
        if (s.StartsWith("camera:", StringComparison.Ordinal))
            return CameraSource.Open(s[7..], new CameraOptions { Channels = channels, FfmpegPath = ffmpegPath });
        if (s == "testsrc" || s.StartsWith("testsrc:", StringComparison.Ordinal))
        {
            var o = new TestSourceOptions { Channels = channels, FfmpegPath = ffmpegPath, Live = live };
            if (s.Length > 8) o = ParseSizeRate(s[8..], o, spec);
            return TestSource.Open(o);
        }
        if (s.StartsWith("lavfi:", StringComparison.Ordinal))
            return TestSource.Open(new TestSourceOptions { Channels = channels, FfmpegPath = ffmpegPath, Live = live, Graph = s[6..] });
        if (live) throw new ConvStreamException($"source '{spec}': live: applies to testsrc and lavfi sources only");
        if (ImageSequencePattern.IsPattern(s))
        {
            var (num, den) = FrameRate.Rational(imageSequenceRate);
            return ImageSequenceSource.Open(s, num, den, new SourceOptions { Channels = channels, FfmpegPath = ffmpegPath });
        }
        if (Path.GetExtension(s).Equals(".y4m", StringComparison.OrdinalIgnoreCase)) return Y4mSource.Open(s, channels);
        return VideoFileSource.Open(s, new FileSourceOptions { Channels = channels, FfmpegPath = ffmpegPath });
    }

    public static IVideoSink OpenSink(string spec, VideoFileSinkOptions? fileOptions = null)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new ConvStreamException("output is empty");
        if (spec == "null") return new NullSink();
        if (spec == "preview") return new PreviewSink(new PreviewOptions { FfmpegPath = fileOptions?.FfmpegPath });
        if (spec.StartsWith("preview:", StringComparison.Ordinal)) return new PreviewSink(new PreviewOptions { Title = spec[8..], FfmpegPath = fileOptions?.FfmpegPath });
        if (ImageSequencePattern.IsPattern(spec)) return new ImageSequenceSink(spec);
        if (Path.GetExtension(spec).Equals(".y4m", StringComparison.OrdinalIgnoreCase)) return new Y4mSink(spec);
        return new VideoFileSink(spec, fileOptions);
    }

    // "640x360@30", "640x360", "@25", "320x240@30000/1001"
    private static TestSourceOptions ParseSizeRate(string text, TestSourceOptions o, string spec)
    {
        string size = text, rate = "";
        int at = text.IndexOf('@');
        if (at >= 0) { size = text[..at]; rate = text[(at + 1)..]; }
        if (size.Length > 0)
        {
            var p = size.Split('x');
            if (p.Length != 2 || !int.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w) || !int.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h))
                throw new ConvStreamException($"source '{spec}': size '{size}' is not WIDTHxHEIGHT");
            o = o with { Width = w, Height = h };
        }
        if (rate.Length > 0)
        {
            var r = Ffmpeg.MediaProbe.Rational(rate.Contains('/') ? rate : rate + "/1");
            if (r is not (int n, int d)) throw new ConvStreamException($"source '{spec}': frame rate '{rate}' is not a number or N/D");
            o = o with { RateNumerator = n, RateDenominator = d };
        }
        return o;
    }
}
