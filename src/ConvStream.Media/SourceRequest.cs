namespace ConvStream.Media;

/// <summary>Which library reads a source or writes an output: OpenCvSharp (in-process) or ffmpeg (child processes).</summary>
public enum MediaBackend
{
    /// <summary>
    /// Chosen per source and output from measurements (README, "Choosing a backend"): files through ffmpeg
    /// when it is on PATH (it decodes faster here), else OpenCV; cameras through OpenCV when it loads, else
    /// ffmpeg; video outputs through ffmpeg when present (H.264, audio), else OpenCV's VideoWriter.
    /// </summary>
    Auto,
    OpenCv,
    Ffmpeg,
}

/// <summary>How <see cref="MediaSpec.OpenSource"/> opens a source: where relative paths start, live or not, frame limits, backend, camera requests.</summary>
public sealed record SourceRequest
{
    /// <summary>Relative file paths and image patterns are found from here.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();
    /// <summary>Test sources paced in real time and newest-frame semantics.</summary>
    public bool Live { get; init; }
    /// <summary>Read at most this many frames (files and test sources).</summary>
    public long? Frames { get; init; }
    /// <summary>Frames an endless test source gives when <see cref="Frames"/> is not set; null: endless.</summary>
    public long? TestFrames { get; init; }
    /// <summary>1 for gray (OpenCV's formula on BGR), 3 for BGR.</summary>
    public int Channels { get; init; } = 3;
    public MediaBackend Backend { get; init; } = MediaBackend.Auto;
    public string? FfmpegPath { get; init; }
    /// <summary>Frame rate given to image sequences.</summary>
    public double ImageSequenceRate { get; init; } = 30;
    /// <summary>Requested camera width, height, rate and FourCC/pixel format ("MJPG"); the camera may grant others.</summary>
    public int? Width { get; init; }
    public int? Height { get; init; }
    public double? FrameRate { get; init; }
    public string? FourCC { get; init; }
    /// <summary>OpenCV's camera API (v4l2, dshow, msmf, …); null: the platform's default (DSHOW on Windows).</summary>
    public string? CameraApi { get; init; }
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>ffmpeg files: end at the first decode error (-xerror) instead of letting the decoder conceal it (run --on-decode-error).</summary>
    public bool StopOnDecodeError { get; init; }
    /// <summary>Where a video file starts (accurate seek; a segment's first frame); null: at its beginning. Files only.</summary>
    public TimeSpan? Start { get; init; }

    /// <summary>Parses "auto", "opencv" or "ffmpeg" (from --backend or a pipeline's "backend" key).</summary>
    public static MediaBackend ParseBackend(string text, string where) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => MediaBackend.Auto,
        "opencv" or "opencvsharp" => MediaBackend.OpenCv,
        "ffmpeg" => MediaBackend.Ffmpeg,
        _ => throw new Engine.ConvStreamException($"{where} '{text}' is not auto, opencv or ffmpeg"),
    };
}
