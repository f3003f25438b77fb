namespace ConvStream.Media.Sinks;

/// <summary>How a video file is encoded. The defaults follow the output's extension.</summary>
public sealed record VideoFileSinkOptions
{
    /// <summary>Video codec: h264, hevc, ffv1, vp9 or mjpeg; null: from the extension (.mp4/.mov → h264, .mkv → ffv1, .webm → vp9, .avi → mjpeg).</summary>
    public string? Codec { get; init; }
    /// <summary>Constant rate factor for h264/hevc/vp9 (lower is better; 18 is visually lossless for x264).</summary>
    public int Crf { get; init; } = 20;
    /// <summary>x264/x265 preset.</summary>
    public string Preset { get; init; } = "veryfast";
    /// <summary>Encoder pixel format; null: yuv420p for lossy codecs (odd sizes padded by one pixel), bgr0/gray for ffv1.</summary>
    public string? PixelFormat { get; init; }
    /// <summary>Copy (or, when the container needs it, re-encode) the source file's audio.</summary>
    public bool CopyAudio { get; init; } = true;
    public string? FfmpegPath { get; init; }
    public string LogLevel { get; init; } = "warning";
    /// <summary>How long to wait for the encoder to finish after stdin is closed before it is killed.</summary>
    public TimeSpan FinishTimeout { get; init; } = TimeSpan.FromSeconds(120);
    /// <summary>
    /// Repeat the previous frame where the stream's presentation times leave slots empty (frames a
    /// live run dropped), so the file lasts as long as the recording; null: when the source is live.
    /// </summary>
    public bool? FillDroppedFrames { get; init; }
    /// <summary>Receives one-line notes about choices made (padding, audio re-encoding).</summary>
    public Action<string>? Log { get; init; }
}
