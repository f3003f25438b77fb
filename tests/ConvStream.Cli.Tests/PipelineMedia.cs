using System.Diagnostics;
using System.Globalization;

namespace ConvStream.Cli.Tests;

/// <summary>
/// What the run/describe/bench/demo tests need besides the command itself: the repository's
/// shipped files, ffmpeg/ffprobe run as tools, and one small real clip made once per test run.
/// </summary>
internal static class PipelineMedia
{
    public static string RepoRoot { get; } = FindRoot();
    public static string Pipelines => Path.Combine(RepoRoot, "filters", "pipelines");
    public static string Kernels => Path.Combine(RepoRoot, "filters", "kernels");

    private static readonly Lazy<string> SharedClip = new(MakeClip);

    /// <summary>
    /// A 1 s, 10 frames/s 160x120 H.264 clip with an AAC audio track (ffmpeg's testsrc2 and a sine),
    /// made once and shared read-only by the tests.
    /// </summary>
    public static string Clip => SharedClip.Value;

    public const int ClipFrames = 10;

    /// <summary>Runs a tool (ffmpeg, ffprobe, kill) to completion; fails the test if it exits non-zero.</summary>
    public static string Tool(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {exe}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish in 60 s"); }
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{exe} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>Per stream of a media file: codec type, frames actually decoded (-count_frames), frame rate.</summary>
    public static (string Type, int Frames, string Rate)[] Streams(string file)
    {
        string csv = Tool("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=codec_type,nb_read_frames,r_frame_rate", "-of", "csv=p=0", file);
        return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(','))
            .Select(f => (f[0], int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1, f[1]))
            .ToArray();
    }

    public static (string Type, int Frames, string Rate) Video(string file) => Assert.Single(Streams(file), s => s.Type == "video");

    /// <summary>Frame <paramref name="index"/> of a video decoded by ffmpeg to bgr24, as the pipeline's source decodes it, saved as PNG.</summary>
    public static void DecodeFrame(string video, int index, string png)
        => Tool("ffmpeg", "-v", "error", "-nostdin", "-i", video, "-vf", $"select=eq(n\\,{index})", "-frames:v", "1", "-pix_fmt", "bgr24", "-y", png);

    private static string MakeClip()
    {
        string dir = Path.Combine(Path.GetTempPath(), "convstream-cli-tests", "clip-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } };
        string clip = Path.Combine(dir, "clip.mp4");
        Tool("ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=10", "-f", "lavfi", "-i", "sine",
            "-t", "1", "-shortest", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-y", clip);
        return clip;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "filters", "pipelines", "demo.json"))) return dir.FullName;
        throw new DirectoryNotFoundException($"filters/pipelines/demo.json not found above {AppContext.BaseDirectory}");
    }

    /// <summary>A JSON string literal for a path (kernel files are given absolute, so the pipeline can live anywhere).</summary>
    public static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
