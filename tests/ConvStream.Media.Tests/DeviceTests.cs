using ConvStream.Engine;
using ConvStream.Media.Devices;
using ConvStream.Media.Sources;

namespace ConvStream.Media.Tests;

public sealed class DeviceTests
{
    // As ffmpeg ≥ 4.3 prints it on Windows (names with ':' '#' and non-ASCII are real-world cases).
    private const string DshowNew = """
        [dshow @ 000001c7b5e4e840] "Integrated Camera" (video)
        [dshow @ 000001c7b5e4e840]   Alternative name "@device_pnp_\\?\usb#vid_04f2&pid_b6d9&mi_00#6&1c1c4b0&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9642e51}\global"
        [dshow @ 000001c7b5e4e840] "Logi C920: HD Pro #2" (video)
        [dshow @ 000001c7b5e4e840]   Alternative name "@device_pnp_\\?\usb#vid_046d&pid_082d&mi_00#7&2b3c&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9642e51}\global"
        [dshow @ 000001c7b5e4e840] "Caméra arrière" (video)
        [dshow @ 000001c7b5e4e840]   Alternative name "@device_pnp_\\?\display#int3470#4&1835d135&0&uid13424#{65e8773d-8f56-11d0-a3b9-00a0c9642e51}\{7c9fb1a6-6d80-4a1c-a7a7-a33d2f1cb9a1}"
        [dshow @ 000001c7b5e4e840] "Microphone (Realtek(R) Audio)" (audio)
        [dshow @ 000001c7b5e4e840]   Alternative name "@device_cm_{33D9A762-90C8-11D0-BD43-00A0C911CE86}\wave_{A2B5C1E4-1234-4F2B-9C3D-2A1B3C4D5E6F}"
        dummy: Immediate exit requested
        """;

    // As older ffmpeg (≤ 4.2) printed it: sections instead of "(video)".
    private const string DshowOld = """
        [dshow @ 0000000000a1b2c3] DirectShow video devices (some may be both video and audio devices)
        [dshow @ 0000000000a1b2c3]  "USB2.0 HD UVC WebCam"
        [dshow @ 0000000000a1b2c3]     Alternative name "@device_pnp_\\?\usb#vid_13d3&pid_56a2&mi_00#6&2f1b&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9642e51}\global"
        [dshow @ 0000000000a1b2c3] DirectShow audio devices
        [dshow @ 0000000000a1b2c3]  "Microphone Array (Realtek Audio)"
        [dshow @ 0000000000a1b2c3]     Alternative name "@device_cm_{33D9A762-90C8-11D0-BD43-00A0C911CE86}\wave_{0}"
        """;

    private const string AvFoundation = """
        [AVFoundation indev @ 0x7fb1c8c04a40] AVFoundation video devices:
        [AVFoundation indev @ 0x7fb1c8c04a40] [0] FaceTime HD Camera
        [AVFoundation indev @ 0x7fb1c8c04a40] [1] OBS Virtual Camera
        [AVFoundation indev @ 0x7fb1c8c04a40] [2] Capture screen 0
        [AVFoundation indev @ 0x7fb1c8c04a40] AVFoundation audio devices:
        [AVFoundation indev @ 0x7fb1c8c04a40] [0] MacBook Pro Microphone
        : Input/output error
        """;

    [Fact]
    public void DshowListingIsParsedAndAwkwardNamesGetTheAlternativeName()
    {
        var cams = DeviceList.ParseDshow(DshowNew);
        Assert.Equal(["Integrated Camera", "Logi C920: HD Pro #2", "Caméra arrière"], cams.Select(c => c.Name));
        Assert.Equal([0, 1, 2], cams.Select(c => c.Index));
        Assert.All(cams, c => Assert.Equal("dshow", c.Backend));
        Assert.Equal("video=Integrated Camera", cams[0].Input);
        // ffmpeg splits dshow inputs at ':', so that name goes by its alternative name.
        Assert.StartsWith("video=@device_pnp_\\\\?\\usb#vid_046d", cams[1].Input);
        // '#' and non-ASCII need nothing: argv entries reach ffmpeg unchanged (no shell).
        Assert.Equal("video=Caméra arrière", cams[2].Input);

        var old = DeviceList.ParseDshow(DshowOld);
        Assert.Equal("USB2.0 HD UVC WebCam", Assert.Single(old).Name);
        Assert.StartsWith("@device_pnp_", old[0].AlternativeName);
    }

    [Fact]
    public void DshowInputRefusesAColonWithoutAnAlternative()
    {
        Assert.Equal("video=Cam #1", DshowInput.For("Cam #1"));
        var e = Assert.Throws<ConvStreamException>(() => DshowInput.For("A: B"));
        Assert.Contains("contains ':'", e.Message);
    }

    [Fact]
    public void AvFoundationListingIsParsedWithoutScreens()
    {
        var cams = DeviceList.ParseAvFoundation(AvFoundation);
        Assert.Equal(["FaceTime HD Camera", "OBS Virtual Camera"], cams.Select(c => c.Name));
        Assert.Equal(["0:none", "1:none"], cams.Select(c => c.Input));
    }

    [Fact]
    public void V4l2NodesAreReadFromSysfsSkippingMetadataNodes()
    {
        string root = MediaTestKit.NewFolder("sys");
        void Node(string n, string name, int index)
        {
            Directory.CreateDirectory(Path.Combine(root, n));
            File.WriteAllText(Path.Combine(root, n, "name"), name + "\n");
            File.WriteAllText(Path.Combine(root, n, "index"), index + "\n");
        }
        Node("video0", "Integrated Camera: Integrated C", 0);
        Node("video1", "Integrated Camera: Integrated C", 1);
        Node("video10", "USB Camera", 0);
        Node("video2", "Other", 0);
        var cams = DeviceList.V4l2(root, "/dev");
        Assert.Equal(["/dev/video0", "/dev/video2", "/dev/video10"], cams.Select(c => c.Input));
        Assert.Equal("Integrated Camera: Integrated C", cams[0].Name);
        Assert.Empty(DeviceList.V4l2(Path.Combine(root, "absent"), "/dev"));
    }

    [Fact]
    public void CameraArgumentsFollowTheBackend()
    {
        var o = new CameraOptions { Size = (1280, 720), FrameRate = 30, PixelFormat = "mjpeg" };
        Assert.Equal(["-f", "v4l2", "-video_size", "1280x720", "-framerate", "30", "-input_format", "mjpeg", "-i", "/dev/video0"],
            CameraSource.InputArguments(new CameraDevice(0, "cam", "v4l2", "/dev/video0"), o));
        Assert.Equal(["-f", "dshow", "-rtbufsize", "64M", "-video_size", "1280x720", "-framerate", "30", "-vcodec", "mjpeg", "-i", "video=@alt"],
            CameraSource.InputArguments(new CameraDevice(0, "Logi: C920", "dshow", "", "@alt"), o));
        Assert.Equal(["-f", "avfoundation", "-framerate", "29.97", "-pixel_format", "nv12", "-i", "0:none"],
            CameraSource.InputArguments(new CameraDevice(0, "FaceTime", "avfoundation", "0:none"), new CameraOptions { FrameRate = 29.97, PixelFormat = "nv12" }));
    }

    [Fact]
    public void ThisMachineListsCamerasWithoutFailing()
    {
        // CI machines have none; a developer's laptop may have some. Either way the call works.
        var cams = DeviceList.Cameras();
        Assert.All(cams, c => Assert.False(string.IsNullOrEmpty(c.Input)));
    }
}
