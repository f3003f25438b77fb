using ConvStream.Engine;
using ConvStream.Engine.Imaging;
using ConvStream.Media.Ffmpeg;
using ConvStream.Media.Sinks;
using ConvStream.Media.Sources;
using ConvStream.Pipeline.Video;
using Xunit.Abstractions;

namespace ConvStream.Media.Tests;

public sealed class ErrorTests(ITestOutputHelper output)
{
    [Fact]
    public void MissingFfmpegGivesTheInstallHint()
    {
        string nowhere = Path.Combine(Path.GetTempPath(), "no-such-ffmpeg-" + Guid.NewGuid().ToString("N"), "ffmpeg");
        var e = Assert.Throws<ConvStreamException>(() => VideoFileSource.Open(
            MediaTestKit.MakeClip(MediaTestKit.NewFolder("missing"), "a.mkv", 32, 32, 1), new FileSourceOptions { FfmpegPath = nowhere }));
        output.WriteLine(e.Message);
        Assert.Contains(nowhere, e.Message);
        Assert.Contains("apt-get install ffmpeg", e.Message);
        Assert.Contains("winget install ffmpeg", e.Message);
        Assert.Contains("brew install ffmpeg", e.Message);
        Assert.Contains("CONVSTREAM_FFMPEG", e.Message);

        // The environment variable is honoured the same way, and an empty PATH is reported as such.
        var env = new Dictionary<string, string?> { ["CONVSTREAM_FFMPEG"] = nowhere, ["PATH"] = "" };
        var e2 = Assert.Throws<ConvStreamException>(() => FfmpegLocator.Find("ffmpeg", null, k => env.GetValueOrDefault(k)));
        Assert.Contains("CONVSTREAM_FFMPEG names", e2.Message);
        env.Remove("CONVSTREAM_FFMPEG");
        var e3 = Assert.Throws<ConvStreamException>(() => FfmpegLocator.Find("ffmpeg", null, k => env.GetValueOrDefault(k)));
        Assert.StartsWith("ffmpeg was not found on PATH; install it", e3.Message);
    }

    [Fact]
    public void LocatorFindsToolsBesideAnExplicitFfmpeg()
    {
        string ffmpeg = FfmpegLocator.Find("ffmpeg");
        Assert.Equal(ffmpeg, FfmpegLocator.Find("ffmpeg", ffmpeg));
        Assert.Equal(Path.Combine(Path.GetDirectoryName(ffmpeg)!, "ffprobe"), FfmpegLocator.Find("ffprobe", ffmpeg));
        Assert.Equal(Path.Combine(Path.GetDirectoryName(ffmpeg)!, "ffprobe"), FfmpegLocator.Find("ffprobe", Path.GetDirectoryName(ffmpeg)));
    }

    [Fact]
    public async Task TruncatedInputGivesAClearErrorAndTheFramesBeforeTheDamageAreKeptPlayable()
    {
        string dir = MediaTestKit.NewFolder("trunc");
        // moov first (+faststart) so the cut file still opens; 60 frames, keyframe every 10.
        string src = MediaTestKit.MakeClip(dir, "src.mp4", 160, 120, 60, 30, false, "-c:v", "libx264", "-g", "10", "-movflags", "+faststart");
        var bytes = File.ReadAllBytes(src);
        string cut = Path.Combine(dir, "cut.mp4");
        File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length * 6 / 10).ToArray());

        string outPath = Path.Combine(dir, "out.mkv");
        long written = 0;
        ConvStreamException? error = null;
        await using (var source = VideoFileSource.Open(cut))
        await using (var sink = new VideoFileSink(outPath))
        {
            await sink.OpenAsync(160, 120, 3, source.Info, CancellationToken.None);
            var frame = new Frame(160, 120, 3);
            try
            {
                while (await source.ReadAsync(frame, CancellationToken.None) is FrameStamp s)
                {
                    await sink.WriteAsync(frame, s, CancellationToken.None);
                    written++;
                }
            }
            catch (ConvStreamException e) { error = e; }
            await sink.CompleteAsync(CancellationToken.None);
        }
        Assert.NotNull(error);
        output.WriteLine($"{written} frames, then: {error!.Message}");
        Assert.StartsWith($"{cut}: decoding failed after {written} frames", error.Message);
        Assert.Contains("corrupt", error.Message + "|partial|Invalid", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', error.Message);
        Assert.InRange(written, 10, 59);

        // The frames before the damage are in a finished, playable file, identical to the original's.
        var facts = MediaTestKit.Probe(outPath).Single();
        Assert.Equal(written, facts.Frames);
        var original = MediaTestKit.DecodeWithFfmpeg(src, 160, 120);
        var kept = MediaTestKit.DecodeWithFfmpeg(outPath, 160, 120);
        Assert.True(original[(int)written - 1].AsSpan().SequenceEqual(kept[(int)written - 1]), "the last kept frame differs from the original");
    }

    [Fact]
    public void UnreadableFileQuotesFfprobe()
    {
        string dir = MediaTestKit.NewFolder("junk");
        string junk = Path.Combine(dir, "junk.mp4");
        File.WriteAllBytes(junk, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray());
        var e = Assert.Throws<ConvStreamException>(() => VideoFileSource.Open(junk));
        output.WriteLine(e.Message);
        Assert.StartsWith($"{junk}: ffprobe cannot read it: ", e.Message);
        Assert.Contains("Invalid data", e.Message);
        var e2 = Assert.Throws<ConvStreamException>(() => VideoFileSource.Open(Path.Combine(dir, "absent.mp4")));
        Assert.EndsWith("absent.mp4: no such file", e2.Message);
    }

    [Fact]
    public async Task ReadErrorsKeepTheirCause()
    {
        // The message is the user's one line; the exception it came from stays attached for a debugger or a log.
        string dir = MediaTestKit.NewFolder("causes");
        var y4m = Assert.Throws<ConvStreamException>(() => ConvStream.Media.Y4m.Y4mSource.Open(Path.Combine(dir, "absent.y4m")));
        Assert.Equal($"{Path.Combine(dir, "absent.y4m")}: no such file", y4m.Message);
        Assert.IsType<FileNotFoundException>(y4m.InnerException);

        // An image sequence whose second frame is damaged: the frame's own error is the cause.
        var frame = new Frame(8, 6, 3);
        ConvStream.Media.Images.ImageFile.Write(Path.Combine(dir, "f_000.png"), frame);
        File.WriteAllBytes(Path.Combine(dir, "f_001.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        var source = ImageFilesSource.Open(Path.Combine(dir, "f_%03d.png"));
        var destination = new Frame(8, 6, 3);
        Assert.NotNull(await source.ReadAsync(destination, CancellationToken.None));
        var damaged = await Assert.ThrowsAsync<ConvStreamException>(async () => await source.ReadAsync(destination, CancellationToken.None));
        Assert.StartsWith($"{Path.Combine(dir, "f_%03d.png")}: frame 1: ", damaged.Message);
        var cause = Assert.IsType<ConvStreamException>(damaged.InnerException);
        Assert.EndsWith(cause.Message, damaged.Message);
    }

    [Fact]
    public async Task EncoderFailureQuotesFfmpegAndLeavesNoOutput()
    {
        string dir = MediaTestKit.NewFolder("badenc");
        string outPath = Path.Combine(dir, "bad.mp4");
        var sink = new VideoFileSink(outPath, new VideoFileSinkOptions { Preset = "no-such-preset" });
        await sink.OpenAsync(64, 48, 3, new VideoInfo { Width = 64, Height = 48, Channels = 3 }, CancellationToken.None);
        var frame = new Frame(64, 48, 3);
        var e = await Assert.ThrowsAsync<ConvStreamException>(async () =>
        {
            for (int i = 0; i < 200; i++) await sink.WriteAsync(frame, new FrameStamp(i, TimeSpan.Zero, 0), CancellationToken.None);
            await sink.CompleteAsync(CancellationToken.None);
        });
        output.WriteLine(e.Message);
        Assert.Contains("no-such-preset", e.Message + string.Join("|", sink.Notes), StringComparison.OrdinalIgnoreCase);
        await sink.DisposeAsync();
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void UnknownExtensionIsRejectedBeforeAnythingStarts()
    {
        var e = Assert.Throws<ConvStreamException>(() => new VideoFileSink(Path.Combine(Path.GetTempPath(), "x.abc")));
        Assert.Contains("unknown video extension '.abc'", e.Message);
    }
}
