using System.Text.RegularExpressions;
using ConvStream.Media.Ffmpeg;

namespace ConvStream.Media.Devices;

/// <summary>
/// Lists the cameras on this machine: on Linux from /sys/class/video4linux (no v4l2-ctl needed),
/// on Windows and macOS by asking ffmpeg (<c>-list_devices true</c>) and parsing what it prints.
/// </summary>
public static partial class DeviceList
{
    public static IReadOnlyList<CameraDevice> Cameras(string? ffmpegPath = null)
    {
        if (OperatingSystem.IsLinux()) return V4l2("/sys/class/video4linux", "/dev");
        if (OperatingSystem.IsWindows()) return ParseDshow(ListingOutput(ffmpegPath, "dshow", "dummy"));
        if (OperatingSystem.IsMacOS()) return ParseAvFoundation(ListingOutput(ffmpegPath, "avfoundation", ""));
        return [];
    }

    /// <summary>
    /// Video capture nodes under <paramref name="sysRoot"/> (/sys/class/video4linux): each videoN
    /// folder has a <c>name</c> file. Metadata nodes (index ≠ 0) are skipped: one camera often
    /// registers two nodes and only the first captures.
    /// </summary>
    public static IReadOnlyList<CameraDevice> V4l2(string sysRoot, string devRoot)
    {
        if (!Directory.Exists(sysRoot)) return [];
        var found = new List<(int Number, string Name)>();
        foreach (string dir in Directory.EnumerateDirectories(sysRoot, "video*"))
        {
            string node = Path.GetFileName(dir);
            if (!int.TryParse(node.AsSpan(5), out int number)) continue;
            string indexFile = Path.Combine(dir, "index");
            if (File.Exists(indexFile) && int.TryParse(File.ReadAllText(indexFile).Trim(), out int idx) && idx != 0) continue;
            string nameFile = Path.Combine(dir, "name");
            string name = File.Exists(nameFile) ? File.ReadAllText(nameFile).Trim() : node;
            found.Add((number, name));
        }
        return found.OrderBy(f => f.Number)
            .Select((f, i) => new CameraDevice(i, f.Name, "v4l2", Path.Combine(devRoot, $"video{f.Number}")))
            .ToArray();
    }

    /// <summary>Parses <c>ffmpeg -list_devices true -f dshow -i dummy</c> (both the ffmpeg ≥ 4.3 "(video)" form and the older sectioned form).</summary>
    public static IReadOnlyList<CameraDevice> ParseDshow(string output)
    {
        var cameras = new List<CameraDevice>();
        string section = "";
        foreach (string raw in output.Split('\n'))
        {
            string line = StripPrefix().Replace(raw.TrimEnd('\r'), "");
            if (line.Contains("DirectShow video devices", StringComparison.Ordinal)) { section = "video"; continue; }
            if (line.Contains("DirectShow audio devices", StringComparison.Ordinal)) { section = "audio"; continue; }
            var alt = AlternativeName().Match(line);
            if (alt.Success)
            {
                if (cameras.Count > 0 && cameras[^1].AlternativeName is null && cameras[^1].Backend == "dshow-pending")
                    cameras[^1] = cameras[^1] with { AlternativeName = alt.Groups[1].Value, Backend = "dshow" };
                continue;
            }
            var dev = DshowDevice().Match(line);
            if (!dev.Success) continue;
            // Finalize the previous entry if it never got an alternative name.
            if (cameras.Count > 0 && cameras[^1].Backend == "dshow-pending") cameras[^1] = cameras[^1] with { Backend = "dshow" };
            string kinds = dev.Groups[2].Success ? dev.Groups[2].Value : section;
            if (!kinds.Contains("video", StringComparison.Ordinal)) continue;
            string name = dev.Groups[1].Value;
            cameras.Add(new CameraDevice(cameras.Count, name, "dshow-pending", ""));
        }
        return cameras.Select(c => c with { Backend = "dshow", Input = SafeInput(c) }).ToArray();
    }

    private static string SafeInput(CameraDevice c)
    {
        try { return DshowInput.For(c.Name, c.AlternativeName); }
        catch (Engine.ConvStreamException) { return "video=" + c.Name; }
    }

    /// <summary>Parses <c>ffmpeg -f avfoundation -list_devices true -i ""</c>: the "[N] name" lines of the video section.</summary>
    public static IReadOnlyList<CameraDevice> ParseAvFoundation(string output)
    {
        var cameras = new List<CameraDevice>();
        bool video = false;
        foreach (string raw in output.Split('\n'))
        {
            string line = StripPrefix().Replace(raw.TrimEnd('\r'), "");
            if (line.Contains("AVFoundation video devices", StringComparison.Ordinal)) { video = true; continue; }
            if (line.Contains("AVFoundation audio devices", StringComparison.Ordinal)) { video = false; continue; }
            var m = AvfDevice().Match(line);
            if (!video || !m.Success) continue;
            int index = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            string name = m.Groups[2].Value.Trim();
            // Screens are capture devices too, but not cameras.
            if (name.StartsWith("Capture screen", StringComparison.Ordinal)) continue;
            cameras.Add(new CameraDevice(index, name, "avfoundation", $"{index}:none"));
        }
        return cameras;
    }

    private static string ListingOutput(string? ffmpegPath, string format, string input)
    {
        string ffmpeg = FfmpegLocator.Find("ffmpeg", ffmpegPath);
        // The listing goes to stderr and ffmpeg then fails to open the dummy input: that exit status is expected.
        using var child = ChildProcess.Start(ffmpeg, ["-hide_banner", "-nostdin", "-list_devices", "true", "-f", format, "-i", input],
            $"ffmpeg listing {format} devices", redirectStdin: false, redirectStdout: false, stderrLines: 500);
        if (!child.WaitForExit(TimeSpan.FromSeconds(20))) child.Kill();
        return string.Join('\n', child.Stderr.Lines());
    }

    [GeneratedRegex(@"^\[[^\]]*@ ?[0-9a-fA-Fx]+\]\s?")]
    private static partial Regex StripPrefix();

    [GeneratedRegex("^\\s*\"(.+)\"\\s*(?:\\(([a-z, ]+)\\))?\\s*$")]
    private static partial Regex DshowDevice();

    [GeneratedRegex("^\\s*Alternative name \"(.+)\"\\s*$")]
    private static partial Regex AlternativeName();

    [GeneratedRegex(@"^\s*\[(\d+)\]\s+(.+)$")]
    private static partial Regex AvfDevice();
}
