namespace ConvStream.Media.Devices;

/// <summary>
/// A camera as ffmpeg sees it: its index among the backend's video devices, its friendly name,
/// the backend (<c>v4l2</c>, <c>dshow</c>, <c>avfoundation</c>) and what to pass to ffmpeg's
/// <c>-i</c> (/dev/video0, video=NAME, 0:none). <see cref="AlternativeName"/> is dshow's unique
/// device path, used when the friendly name cannot be passed (it contains ':').
/// </summary>
public sealed record CameraDevice(int Index, string Name, string Backend, string Input, string? AlternativeName = null);
