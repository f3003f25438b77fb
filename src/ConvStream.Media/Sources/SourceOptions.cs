namespace ConvStream.Media.Sources;

/// <summary>Options every ffmpeg-backed source shares.</summary>
public record SourceOptions
{
    /// <summary>1 for gray (computed from BGR as OpenCV does), 3 for BGR.</summary>
    public int Channels { get; init; } = 3;
    /// <summary>An ffmpeg executable or its folder; null: <see cref="Ffmpeg.FfmpegLocator"/> decides.</summary>
    public string? FfmpegPath { get; init; }
    /// <summary>ffmpeg's -loglevel; "warning" keeps the stderr tail useful without flooding it.</summary>
    public string LogLevel { get; init; } = "warning";
    /// <summary>Resize the frames in ffmpeg (e.g. 1920x1080); null keeps the stream's size.</summary>
    public (int Width, int Height)? Scale { get; init; }
}

/// <summary>Options of a video file source.</summary>
public sealed record FileSourceOptions : SourceOptions
{
    /// <summary>Stop at the first decode error (<c>-xerror</c>) so a damaged file is reported, not papered over with repeated frames.</summary>
    public bool StopOnDecodeError { get; init; } = true;
    /// <summary>Seek before decoding.</summary>
    public TimeSpan? Start { get; init; }
    /// <summary>Decode at most this many frames.</summary>
    public long? MaxFrames { get; init; }
}

/// <summary>Options of a lavfi test source (ffmpeg's <c>testsrc2</c> by default).</summary>
public sealed record TestSourceOptions : SourceOptions
{
    public int Width { get; init; } = 640;
    public int Height { get; init; } = 360;
    public int RateNumerator { get; init; } = 30;
    public int RateDenominator { get; init; } = 1;
    /// <summary>Any lavfi graph instead of testsrc2 (its size and rate are probed), e.g. "mandelbrot=s=320x240".</summary>
    public string? Graph { get; init; }
    /// <summary>Frames to produce; null: endless (live) or until the graph ends.</summary>
    public long? FrameCount { get; init; }
    /// <summary>Pace frames in real time (<c>-re</c>) and hand out the newest one, as a camera does.</summary>
    public bool Live { get; init; }
}

/// <summary>Options of a camera source.</summary>
public sealed record CameraOptions : SourceOptions
{
    /// <summary>Requested capture size; null: the camera's default.</summary>
    public (int Width, int Height)? Size { get; init; }
    /// <summary>Requested frame rate; null: the camera's default.</summary>
    public double? FrameRate { get; init; }
    /// <summary>The camera's pixel format or codec ("mjpeg", "yuyv422", "nv12"); null: the camera's default.</summary>
    public string? PixelFormat { get; init; }
}
