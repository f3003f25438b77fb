using System.Diagnostics;
using System.Text.Json;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Tests;

/// <summary>Runs the real ffmpeg/ffprobe for fixtures and checks, and gives each test its own folder.</summary>
internal static class MediaTestKit
{
    public static string NewFolder(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "convstream-media-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs ffmpeg (or ffprobe) to completion; throws with its stderr when it fails.</summary>
    public static string Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed: {stderr.Result}");
        return stdout;
    }

    /// <summary>A small test clip made by ffmpeg: testsrc2 at the given size/rate/frames, optionally with a sine tone.</summary>
    public static string MakeClip(string dir, string name, int width, int height, int frames, int rate = 30, bool audio = false, params string[] extra)
    {
        string path = Path.Combine(dir, name);
        var args = new List<string> { "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", OddSafe($"testsrc2=size={(width + 1) / 2 * 2}x{(height + 1) / 2 * 2}:rate={rate}", width, height) };
        if (audio) args.AddRange(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]);
        args.AddRange(["-frames:v", frames.ToString()]);
        if (audio) args.AddRange(["-shortest", "-c:a", "aac"]);
        args.AddRange(extra);
        args.Add(path);
        Run("ffmpeg", args.ToArray());
        return path;
    }

    // testsrc2 only makes even sizes (4:2:0); an odd size is cropped out of an RGB version.
    private static string OddSafe(string graph, int width, int height)
        => width % 2 == 0 && height % 2 == 0 ? graph : $"{graph},format=rgb24,crop={width}:{height}:0:0";

    /// <summary>Every frame of a file decoded by ffmpeg itself to packed bgr24 (the reference our reader must match).</summary>
    public static List<byte[]> DecodeWithFfmpeg(string path, int width, int height, string pixFmt = "bgr24", int bytesPerPixel = 3, params string[] inputArgs)
        => DecodeWithFilter(path, width, height, null, pixFmt, bytesPerPixel, inputArgs);

    public static List<byte[]> DecodeWithFilter(string path, int width, int height, string? filter, string pixFmt = "bgr24", int bytesPerPixel = 3, params string[] inputArgs)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] vf = filter is null ? [] : ["-vf", filter];
        foreach (var a in (string[])["-hide_banner", "-loglevel", "error", .. inputArgs, "-i", path, .. vf, "-f", "rawvideo", "-pix_fmt", pixFmt, "-"]) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        _ = p.StandardError.ReadToEndAsync();
        var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        var all = ms.ToArray();
        int size = width * height * bytesPerPixel;
        var frames = new List<byte[]>();
        for (int o = 0; o + size <= all.Length; o += size) frames.Add(all.AsSpan(o, size).ToArray());
        return frames;
    }

    public sealed record StreamFacts(string CodecType, string Codec, int Width, int Height, string RFrameRate, long Frames);

    /// <summary>ffprobe's view of a file, counting frames by decoding (-count_frames).</summary>
    public static List<StreamFacts> Probe(string path)
    {
        string json = Run("ffprobe", "-v", "error", "-count_frames", "-of", "json", "-show_streams", path);
        using var doc = JsonDocument.Parse(json);
        var list = new List<StreamFacts>();
        foreach (var s in doc.RootElement.GetProperty("streams").EnumerateArray())
        {
            string type = s.GetProperty("codec_type").GetString()!;
            long frames = s.TryGetProperty("nb_read_frames", out var f) && long.TryParse(f.GetString(), out long n) ? n : -1;
            list.Add(new StreamFacts(type, s.GetProperty("codec_name").GetString()!,
                s.TryGetProperty("width", out var w) ? w.GetInt32() : 0, s.TryGetProperty("height", out var h) ? h.GetInt32() : 0,
                s.GetProperty("r_frame_rate").GetString()!, frames));
        }
        return list;
    }

    /// <summary>Reads every frame of a source into packed byte arrays.</summary>
    public static async Task<List<byte[]>> ReadAll(IVideoSource source, int max = int.MaxValue)
    {
        var frame = new Frame(source.Info.Width, source.Info.Height, source.Info.Channels);
        var frames = new List<byte[]>();
        while (frames.Count < max && await source.ReadAsync(frame, CancellationToken.None) is not null) frames.Add(frame.ToPacked());
        return frames;
    }

    public static Frame FrameFrom(byte[] packed, int width, int height, int channels)
    {
        var f = new Frame(width, height, channels);
        f.CopyFromPacked(packed);
        return f;
    }

    /// <summary>True when a process with this id no longer runs (zombie-free: the runtime reaps its children).</summary>
    public static bool IsGone(int pid)
    {
        for (int i = 0; i < 50; i++)
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                if (p.HasExited) return true;
            }
            catch (ArgumentException) { return true; }
            Thread.Sleep(100);
        }
        return false;
    }

    public static (int Max, double Mean) Diff(byte[] a, byte[] b)
    {
        int max = 0; long sum = 0;
        for (int i = 0; i < a.Length; i++) { int d = Math.Abs(a[i] - b[i]); sum += d; if (d > max) max = d; }
        return (max, (double)sum / a.Length);
    }
}
