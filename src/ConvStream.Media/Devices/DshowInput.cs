using ConvStream.Engine;

namespace ConvStream.Media.Devices;

/// <summary>
/// Builds the <c>-i</c> argument for ffmpeg's dshow input. ffmpeg splits it at '=' and ':'
/// (<c>video=NAME:audio=NAME</c>), so a name with ':' cannot be passed as is: the device's
/// alternative name (its unique path, which has no ':') is used instead. Nothing else needs
/// escaping, because arguments go to ffmpeg as separate argv entries (no shell): spaces, '#',
/// quotes and non-ASCII names reach ffmpeg unchanged (ffmpeg reads its Windows command line as UTF-16).
/// </summary>
public static class DshowInput
{
    public static string For(string name, string? alternativeName = null)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ConvStreamException("dshow camera name is empty");
        if (!name.Contains(':')) return "video=" + name;
        if (alternativeName is not null && !alternativeName.Contains(':')) return "video=" + alternativeName;
        throw new ConvStreamException($"camera name '{name}' contains ':', which ffmpeg's dshow input cannot take; use its alternative name (convstream devices shows it) or its index");
    }
}
