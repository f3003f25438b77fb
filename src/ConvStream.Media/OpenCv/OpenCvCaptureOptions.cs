namespace ConvStream.Media.OpenCv;

/// <summary>
/// How an <see cref="OpenCvCaptureSource"/> opens its file or camera. Requested width, height,
/// rate and FourCC apply to cameras (the camera may grant something else: see
/// <see cref="OpenCvCaptureSource.Granted"/>); <see cref="MaxFrames"/> to files.
/// </summary>
public sealed record OpenCvCaptureOptions
{
    /// <summary>1 for gray (OpenCV's BGR→gray formula on each frame), 3 for BGR.</summary>
    public int Channels { get; init; } = 3;
    public int? Width { get; init; }
    public int? Height { get; init; }
    public double? FrameRate { get; init; }
    /// <summary>Four characters, e.g. "MJPG" (most USB cameras give more frames per second compressed).</summary>
    public string? FourCC { get; init; }
    public long? MaxFrames { get; init; }
    /// <summary>A camera (or file) that has not opened by then is an error; OpenCV's open call itself has no timeout.</summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// The camera API: null = V4L2 on Linux, DSHOW on Windows (MSMF is known to take seconds to open a
    /// camera), AVFoundation on macOS; or "v4l2", "dshow", "msmf", "avfoundation", "ffmpeg", "gstreamer", "any".
    /// </summary>
    public string? CameraApi { get; init; }
    /// <summary>Keep only the newest frame (a grab thread drains the device); default: on for cameras, off for files.</summary>
    public bool? Live { get; init; }
}
