using System.Globalization;

namespace ConvStream.Media.Sources;

/// <summary>The command-line pieces every decoding ffmpeg shares.</summary>
internal static class FfmpegArgs
{
    public static List<string> Head(SourceOptions options)
        => new() { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+" + options.LogLevel };

    /// <summary>Raw bgr24 frames on stdout; no audio, subtitles or data.</summary>
    public static void RawOutput(List<string> args, SourceOptions options, bool passthroughTiming)
    {
        args.AddRange(["-map", "0:v:0", "-an", "-sn", "-dn"]);
        if (options.Scale is (int w, int h)) args.AddRange(["-vf", $"scale={w}:{h}"]);
        // Live sources keep the camera's own timing; files are read at their constant nominal rate.
        if (passthroughTiming) args.AddRange(["-vsync", "passthrough"]);
        args.AddRange(["-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1"]);
    }

    public static string Rate(int num, int den) => den == 1 ? num.ToString(CultureInfo.InvariantCulture) : $"{num}/{den}";

    public static string Rate(double fps) => fps.ToString("0.###", CultureInfo.InvariantCulture);
}
