using System.CommandLine;
using ConvStream.Cli.CommandLine;
using ConvStream.Media.Devices;
using ConvStream.Media.Ffmpeg;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream devices</c>: lists the cameras ffmpeg can capture from (v4l2 nodes from sysfs on
/// Linux; ffmpeg's dshow/avfoundation listings on Windows/macOS), with the index and name a
/// <c>camera:</c> source takes.
/// </summary>
public static class DevicesCommand
{
    public const string Summary = "list the cameras a camera:INDEX or camera:NAME source can open";

    internal static Command Create()
    {
        var ffmpeg = CliOption.Value("--ffmpeg", "PATH", "the ffmpeg executable (or its folder) to use", defaultText: "CONVSTREAM_FFMPEG, then PATH");
        var command = new VerbCommand("devices", Summary, "usage: convstream devices [--ffmpeg PATH]")
        {
            Notes = "Lists cameras: Linux reads /sys/class/video4linux (v4l2), Windows asks ffmpeg's dshow input, macOS ffmpeg's\n" +
                    "avfoundation input. Open one with the source camera:INDEX or camera:NAME.",
            Examples = ["convstream devices", "convstream devices --ffmpeg /opt/ffmpeg/bin/ffmpeg"],
        };
        command.Options.Add(ffmpeg);
        command.SetAction(r => List(r.GetValue(ffmpeg)));
        return command;
    }

    private static int List(string? ffmpeg)
    {
        if (ffmpeg is not null) FfmpegLocator.DefaultPath = ffmpeg;

        var cameras = DeviceList.Cameras(ffmpeg);
        if (cameras.Count == 0)
        {
            string where = OperatingSystem.IsLinux() ? "no /dev/video* capture nodes in /sys/class/video4linux"
                : OperatingSystem.IsWindows() ? "ffmpeg's dshow input lists no video device"
                : OperatingSystem.IsMacOS() ? "ffmpeg's avfoundation input lists no camera" : "camera capture is not supported on this system";
            Console.Out.WriteLine($"no cameras found ({where}); a paced test source stands in for one: live:testsrc:640x360@30");
            return 0;
        }
        Console.Out.WriteLine($"{cameras.Count} camera(s) ({cameras[0].Backend}):");
        foreach (var c in cameras)
        {
            Console.Out.WriteLine($"  camera:{c.Index}  {c.Name}  (ffmpeg -f {c.Backend} -i {c.Input})");
            if (c.AlternativeName is not null) Console.Out.WriteLine($"      alternative name: {c.AlternativeName}");
        }
        return 0;
    }
}
