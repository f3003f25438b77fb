using ConvStream.Engine;

namespace ConvStream.Media.Sinks;

/// <summary>
/// What an output extension means: the muxer, the video codec and its arguments, and what audio
/// the container accepts as is (anything else is re-encoded).
/// </summary>
internal sealed record EncoderChoice(string Muxer, string Codec, IReadOnlyList<string> VideoArgs, string PixelFormat, bool Lossless, IReadOnlySet<string> AudioCopyable, string[] AudioEncoder)
{
    private static readonly HashSet<string> Mp4Audio = ["aac", "mp3", "alac", "ac3", "eac3", "opus", "flac"];
    private static readonly HashSet<string> AnyAudio = ["*"];
    private static readonly HashSet<string> WebmAudio = ["opus", "vorbis"];
    private static readonly HashSet<string> AviAudio = ["mp3", "ac3", "pcm_s16le", "pcm_u8"];

    public bool CanCopy(string audioCodec) => AudioCopyable.Contains("*") || AudioCopyable.Contains(audioCodec);

    public static EncoderChoice For(string path, int channels, VideoFileSinkOptions o)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        (string muxer, string defaultCodec, HashSet<string> audio, string[] audioEnc) = ext switch
        {
            ".mp4" or ".m4v" => ("mp4", "h264", Mp4Audio, new[] { "aac", "-b:a", "160k" }),
            ".mov" => ("mov", "h264", Mp4Audio, new[] { "aac", "-b:a", "160k" }),
            ".mkv" => ("matroska", "ffv1", AnyAudio, new[] { "aac", "-b:a", "160k" }),
            ".webm" => ("webm", "vp9", WebmAudio, new[] { "libopus", "-b:a", "128k" }),
            ".avi" => ("avi", "mjpeg", AviAudio, new[] { "libmp3lame", "-q:a", "4" }),
            _ => throw new ConvStreamException($"{path}: unknown video extension '{ext}'; use .mp4, .mov, .mkv, .webm or .avi (or .y4m, .png pattern)"),
        };
        string codec = (o.Codec ?? defaultCodec).ToLowerInvariant();
        string crf = o.Crf.ToString(System.Globalization.CultureInfo.InvariantCulture);
        bool lossless = codec == "ffv1";
        (string[] args, string pix) = codec switch
        {
            "h264" or "x264" or "libx264" => (new[] { "-c:v", "libx264", "-preset", o.Preset, "-crf", crf }, "yuv420p"),
            "hevc" or "h265" or "x265" or "libx265" => (new[] { "-c:v", "libx265", "-preset", o.Preset, "-crf", crf, "-x265-params", "log-level=error" }, "yuv420p"),
            "vp9" or "libvpx-vp9" => (new[] { "-c:v", "libvpx-vp9", "-crf", crf, "-b:v", "0", "-row-mt", "1" }, "yuv420p"),
            "mjpeg" => (new[] { "-c:v", "mjpeg", "-q:v", "3" }, "yuvj420p"),
            // Level 3 with slices and CRCs: fast multithreaded decode, and damage is detected per slice.
            "ffv1" => (new[] { "-c:v", "ffv1", "-level", "3", "-slices", "4", "-slicecrc", "1", "-g", "1" }, channels == 1 ? "gray" : "bgr0"),
            _ => throw new ConvStreamException($"{path}: unknown codec '{codec}'; use h264, hevc, ffv1, vp9 or mjpeg"),
        };
        if (codec == "ffv1" && muxer == "mp4")
            throw new ConvStreamException($"{path}: ffv1 does not go in .mp4; use .mkv for lossless output");
        return new EncoderChoice(muxer, codec, args, o.PixelFormat ?? pix, lossless, audio, audioEnc);
    }

    /// <summary>Whether the encoder's pixel format halves the chroma in a direction (then the size must be even there).</summary>
    public static (bool Width, bool Height) NeedsEven(string pixelFormat) => pixelFormat switch
    {
        "yuv420p" or "yuvj420p" or "nv12" or "yuv420p10le" => (true, true),
        "yuv422p" or "yuvj422p" or "yuv422p10le" => (true, false),
        _ => (false, false),
    };
}
