namespace ConvStream.Cli.Tests;

/// <summary>
/// The segment tests' inputs: a 64-frame 320x180 25 fps H.264 clip with a GOP of 8 (8 keyframes)
/// and a sine audio track, made by ffmpeg (testsrc2 + sine) in the test's folder, a pipeline with a
/// lossless video output (FFV1 .mkv) and an image-sequence output, and ffmpeg's framemd5 (per
/// frame: pts, duration and the decoded bytes' MD5) to compare outputs frame by frame.
/// </summary>
internal static class SegmentMedia
{
    public const int Frames = 64;

    public static string MakeClip(TempFolder work, string name = "clip.mp4", int gop = 8)
    {
        string clip = work.File(name);
        PipelineMedia.Tool("ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-frames:v", Frames.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "2.56", "-c:v", "libx264", "-g", gop.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-keyint_min", gop.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-y", clip);
        return clip;
    }

    /// <summary>A Gaussian into a lossless .mkv and a lossy H.264 .mp4, a Sobel magnitude into PNGs; <paramref name="sigma"/> makes a different pipeline.</summary>
    public static string MakePipeline(TempFolder work, string clip, string name = "p.json", string sigma = "1.5") 
    {
        string file = work.File(name);
        File.WriteAllText(file, $$"""
            { "source": {{PipelineMedia.Json(clip)}},
              "stages": [ { "name": "blur", "op": "gaussian", "input": "source", "size": 5, "sigma": {{sigma}} },
                          { "name": "edges", "op": "sobel-magnitude", "input": "source" } ],
              "outputs": [ { "kind": "file", "stage": "blur", "path": "blur.mkv" },
                           { "kind": "file", "stage": "blur", "name": "lossy", "path": "blur.mp4" },
                           { "kind": "images", "stage": "edges", "path": "edges" } ] }
            """);
        return file;
    }

    /// <summary>Per video frame "pts, duration, size, md5" (the stream index dropped), as ffmpeg's framemd5 muxer writes them.</summary>
    public static string[] VideoFrames(string file)
        => PipelineMedia.Tool("ffmpeg", "-v", "error", "-nostdin", "-i", file, "-map", "0:v:0", "-f", "framemd5", "-")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#')).Select(l => string.Join(",", l.Split(',').Skip(2).Select(f => f.Trim()))).ToArray();

    /// <summary>The MD5 of the decoded audio (s16le) of a file.</summary>
    public static string AudioMd5(string file)
        => PipelineMedia.Tool("ffmpeg", "-v", "error", "-nostdin", "-i", file, "-map", "0:a:0", "-f", "md5", "-").Trim();

    /// <summary>Every image of a folder: name → bytes' MD5.</summary>
    public static Dictionary<string, string> Images(string folder)
        => Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.')).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(f))));
}
