using System.Globalization;
using ConvStream.Engine;
using ConvStream.Media.Devices;
using ConvStream.Media.Ffmpeg;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Sources;

/// <summary>
/// A webcam through ffmpeg's <c>v4l2</c> (Linux), <c>dshow</c> (Windows) or <c>avfoundation</c>
/// (macOS) input, chosen by index ("0") or name, with newest-frame semantics (see
/// <see cref="LiveFfmpegSource"/>). A camera that disappears mid-stream ends the stream with a
/// one-line error saying what ffmpeg reported.
/// </summary>
public static class CameraSource
{
    public static LiveFfmpegSource Open(string device, CameraOptions? options = null)
    {
        options ??= new CameraOptions();
        if (options.Channels is not (1 or 3)) throw new ConvStreamException($"camera {device}: channels must be 1 (gray) or 3 (BGR), not {options.Channels}");
        var camera = Resolve(device, options.FfmpegPath);
        var inputArgs = InputArguments(camera, options);
        string ffmpeg = FfmpegLocator.Find("ffmpeg", options.FfmpegPath);

        // The capture size and rate are only known once the device is opened: probe it with the same options.
        var probeArgs = new List<string>(inputArgs);
        var info = MediaProbe.ProbeWith(probeArgs, $"camera {camera.Name}", options.FfmpegPath, options.Channels).Info;
        info = info with { SourcePath = null, HasAudio = false, FrameCount = null, Duration = null, IsLive = true };
        if (options.Scale is (int w, int h)) info = info with { Width = w, Height = h };

        var args = FfmpegArgs.Head(options);
        args.AddRange(["-fflags", "nobuffer", "-flags", "low_delay"]);
        args.AddRange(inputArgs);
        FfmpegArgs.RawOutput(args, options, passthroughTiming: true);
        string description = $"camera '{camera.Name}' ({camera.Input})";
        var child = ChildProcess.Start(ffmpeg, args, $"ffmpeg capturing {description}", redirectStdin: false, redirectStdout: true);
        return new LiveFfmpegSource(child, info, description);
    }

    /// <summary>Finds the camera by index or name among <see cref="DeviceList.Cameras"/>; a v4l2 device path is taken as is.</summary>
    public static CameraDevice Resolve(string device, string? ffmpegPath = null)
    {
        if (OperatingSystem.IsLinux() && device.StartsWith("/dev/", StringComparison.Ordinal))
            return new CameraDevice(0, device, "v4l2", device);
        var cameras = DeviceList.Cameras(ffmpegPath);
        if (cameras.Count == 0) throw new ConvStreamException($"camera '{device}': no cameras found on this machine (convstream devices lists them)");
        if (int.TryParse(device, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index))
            return (index >= 0 && index < cameras.Count) ? cameras[index]
                : throw new ConvStreamException($"camera index {index} is out of range: {cameras.Count} camera(s) found (0..{cameras.Count - 1})");
        var named = cameras.FirstOrDefault(c => string.Equals(c.Name, device, StringComparison.Ordinal))
            ?? cameras.FirstOrDefault(c => string.Equals(c.Name, device, StringComparison.OrdinalIgnoreCase))
            ?? cameras.FirstOrDefault(c => c.AlternativeName == device);
        return named ?? throw new ConvStreamException($"camera '{device}' not found; cameras: {string.Join(", ", cameras.Select(c => $"{c.Index}: {c.Name}"))}");
    }

    /// <summary>ffmpeg's input options for the camera (format, size, rate, pixel format, -i).</summary>
    public static List<string> InputArguments(CameraDevice camera, CameraOptions options)
    {
        var args = new List<string>();
        string backend = camera.Backend;
        args.AddRange(["-f", backend]);
        if (backend == "dshow") args.AddRange(["-rtbufsize", "64M"]);
        if (options.Size is (int w, int h)) args.AddRange(["-video_size", $"{w}x{h}"]);
        if (options.FrameRate is double fps) args.AddRange(["-framerate", FfmpegArgs.Rate(fps)]);
        if (options.PixelFormat is string pf)
        {
            bool compressed = pf is "mjpeg" or "h264";
            args.AddRange(backend switch
            {
                "v4l2" => ["-input_format", pf],
                "dshow" => compressed ? ["-vcodec", pf] : ["-pixel_format", pf],
                _ => ["-pixel_format", pf],
            });
        }
        string input = backend == "dshow" ? DshowInput.For(camera.Name, camera.AlternativeName) : camera.Input;
        args.AddRange(["-i", input]);
        return args;
    }
}
