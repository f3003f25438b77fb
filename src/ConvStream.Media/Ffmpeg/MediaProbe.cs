using ConvStream.Engine.Geometry;
using System.Globalization;
using System.Text.Json;
using ConvStream.Engine;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Ffmpeg;

/// <summary>What ffprobe says about a file's first video stream and whether it has audio.</summary>
public sealed record ProbeResult(VideoInfo Info, string VideoCodec, string? AudioCodec, string Container);

/// <summary>
/// Runs <c>ffprobe -of json</c> on a file (or a lavfi graph) and reads the first video stream: size,
/// frame rate as a rational, frame count, duration, rotation (the <c>rotate</c> tag or the display
/// matrix side data) and the first audio stream's codec.
/// </summary>
public static class MediaProbe
{
    public static ProbeResult Probe(string input, string? ffmpegPath = null, string? inputFormat = null, int channels = 3)
    {
        var inputArgs = new List<string>();
        if (inputFormat is not null) { inputArgs.Add("-f"); inputArgs.Add(inputFormat); }
        inputArgs.Add("-i");
        inputArgs.Add(input);
        return ProbeWith(inputArgs, input, ffmpegPath, channels, input);
    }

    /// <summary>Probes whatever <paramref name="inputArgs"/> open (e.g. "-f v4l2 -video_size 640x480 -i /dev/video0").</summary>
    public static ProbeResult ProbeWith(IReadOnlyList<string> inputArgs, string description, string? ffmpegPath, int channels, string? sourcePath = null)
    {
        string ffprobe = FfmpegLocator.Find("ffprobe", ffmpegPath);
        var args = new List<string> { "-v", "error", "-of", "json", "-show_streams", "-show_format" };
        args.AddRange(inputArgs);
        using var child = ChildProcess.Start(ffprobe, args, $"ffprobe {description}", redirectStdin: false, redirectStdout: true);
        string json;
        using (var reader = new StreamReader(child.Stdout!)) json = reader.ReadToEnd();
        if (!child.WaitForExit(TimeSpan.FromSeconds(60)))
            throw new ConvStreamException($"{description}: ffprobe did not answer within 60 s");
        if (child.ExitCode != 0)
            throw new ConvStreamException($"{description}: ffprobe cannot read it: {child.Stderr.Quote()}");
        var result = Parse(json, description, channels);
        return result with { Info = result.Info with { SourcePath = sourcePath } };
    }

    internal static ProbeResult Parse(string json, string input, int channels)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        JsonElement? video = null;
        string? audioCodec = null;
        if (root.TryGetProperty("streams", out var streams))
            foreach (var s in streams.EnumerateArray())
            {
                string type = Str(s, "codec_type") ?? "";
                if (type == "video" && video is null && !IsAttachedPicture(s)) video = s;
                else if (type == "audio" && audioCodec is null) audioCodec = Str(s, "codec_name") ?? "unknown";
            }
        if (video is not JsonElement v)
            throw new ConvStreamException($"{input} has no video stream");

        int width = Int(v, "width"), height = Int(v, "height");
        if (width <= 0 || height <= 0) throw new ConvStreamException($"{input}: ffprobe reports no frame size for its video stream");
        GeometryLimits.Frame(width, height, 3, 1, input);
        var (num, den) = FrameRate(v);
        int rotation = Rotation(v);
        // ffmpeg rotates decoded frames upright by default (autorotate): a quarter turn swaps the size.
        if (rotation is 90 or 270) (width, height) = (height, width);

        double? seconds = Dbl(v, "duration");
        if (seconds is null && root.TryGetProperty("format", out var format)) seconds = Dbl(format, "duration");
        long? frames = null;
        if (Str(v, "nb_frames") is string nb && long.TryParse(nb, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n > 0) frames = n;
        else if (seconds is double sec && num > 0) frames = (long)Math.Round(sec * num / den);
        string container = root.TryGetProperty("format", out var f2) ? Str(f2, "format_name") ?? "" : "";

        var info = new VideoInfo
        {
            Width = width,
            Height = height,
            Channels = channels,
            FrameRateNumerator = num,
            FrameRateDenominator = den,
            FrameCount = frames,
            Duration = seconds is double d ? TimeSpan.FromSeconds(d) : null,
            Rotation = rotation,
            HasAudio = audioCodec is not null,
            SourcePath = input,
        };
        return new ProbeResult(info, Str(v, "codec_name") ?? "unknown", audioCodec, container);
    }

    // As av_guess_frame_rate: r_frame_rate, unless it is a field rate far above a plausible average.
    private static (int, int) FrameRate(JsonElement v)
    {
        var r = Rational(Str(v, "r_frame_rate"));
        var avg = Rational(Str(v, "avg_frame_rate"));
        if (r is null) return avg ?? (30, 1);
        if (avg is (int an, int ad) && (double)an / ad < 70 && (double)r.Value.Item1 / r.Value.Item2 > 210) return avg.Value;
        return r.Value;
    }

    private static int Rotation(JsonElement v)
    {
        // The legacy tag says degrees clockwise; the display matrix says degrees counter-clockwise.
        if (v.TryGetProperty("tags", out var tags) && Str(tags, "rotate") is string tag
            && int.TryParse(tag, NumberStyles.Integer, CultureInfo.InvariantCulture, out int cw))
            return Normalize(cw);
        if (v.TryGetProperty("side_data_list", out var side))
            foreach (var sd in side.EnumerateArray())
                if (sd.TryGetProperty("rotation", out var rot) && rot.TryGetDouble(out double ccw))
                    return Normalize(-(int)Math.Round(ccw));
        return 0;
    }

    private static int Normalize(int degrees) => ((degrees % 360) + 360) % 360;

    private static bool IsAttachedPicture(JsonElement s)
        => s.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var a) && a.TryGetInt32(out int x) && x == 1;

    internal static (int, int)? Rational(string? text)
    {
        if (text is null) return null;
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int d) && n > 0 && d > 0)
            return (n, d);
        return null;
    }

    private static string? Str(JsonElement e, string name)
        => e.TryGetProperty(name, out var p) ? p.ValueKind == JsonValueKind.String ? p.GetString() : p.ToString() : null;

    private static int Int(JsonElement e, string name)
        => e.TryGetProperty(name, out var p) && p.TryGetInt32(out int x) ? x : 0;

    private static double? Dbl(JsonElement e, string name)
        => Str(e, name) is string s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : null;
}
