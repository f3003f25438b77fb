using ConvStream.Media.Images;
using OpenCvSharp;

namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream run --backend opencv</c> on media/sample.mp4 (H.264): the decoded frames are exactly
/// OpenCvSharp's VideoCapture's and the stages on them exactly OpenCV's filters; the backend is named
/// in describe and the summary; the pipeline file's "backend" key; bad backends and source keys.
/// </summary>
public class RunBackendTests
{
    private static string Sample => Path.Combine(PipelineMedia.RepoRoot, "media", "sample.mp4");

    private static string Pipeline(string source) => $$"""
        {
          "source": {{source}},
          "stages": [
            { "name": "blur", "op": "gaussian", "input": "source", "size": 5, "sigma": 0 },
            { "name": "gray", "op": "gray", "input": "source" },
          ],
          "outputs": [
            { "kind": "images", "stage": "source", "path": "decoded/%03d.png" },
            { "kind": "images", "stage": "blur", "path": "blur/%03d.png" },
            { "kind": "images", "stage": "gray", "path": "gray/%03d.png" },
            { "kind": "file", "stage": "blur", "path": "blur.mp4" },
          ],
        }
        """;

    private static void AssertSame(Mat expected, string png, string what)
    {
        using var got = Cv2.ImRead(png, ImreadModes.Unchanged);
        Assert.False(got.Empty(), png);
        Assert.Equal((expected.Cols, expected.Rows, expected.Channels()), (got.Cols, got.Rows, got.Channels()));
        Assert.True(Cv2.Norm(expected, got, NormTypes.INF) == 0, $"{what}: {png} differs from OpenCvSharp");
    }

    [Fact]
    public void OpenCvBackendDecodesAsVideoCaptureAndStagesStayBitExact()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), Pipeline(PipelineMedia.Json(Sample)));
        var r = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "out", "--backend", "opencv", "--frames", "24");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("source: " + Sample + " via opencv (FFMPEG) (640x360 @ 30 fps", r.Stdout);
        Assert.Contains("wrote out/blur.mp4 via opencv (VideoWriter, MPEG-4 Part 2 (mp4v))", r.Stdout.Replace(work.Path + "/", ""));

        using var capture = new VideoCapture(Sample);
        using var frame = new Mat();
        for (int i = 0; i < 24; i++)
        {
            Assert.True(capture.Read(frame));
            AssertSame(frame, work.File($"out/decoded/{i:000}.png"), $"decoded frame {i}");
            using var blur = new Mat();
            Cv2.GaussianBlur(frame, blur, new Size(5, 5), 0, 0, BorderTypes.Reflect101);
            AssertSame(blur, work.File($"out/blur/{i:000}.png"), $"gaussian on frame {i}");
            using var gray = new Mat();
            Cv2.CvtColor(frame, gray, ColorConversionCodes.BGR2GRAY);
            AssertSame(gray, work.File($"out/gray/{i:000}.png"), $"gray on frame {i}");
        }
        Assert.False(File.Exists(work.File("out/decoded/024.png")));

        // The VideoWriter output opens in OpenCV with every frame.
        using var written = new VideoCapture(work.File("out/blur.mp4"));
        Assert.True(written.IsOpened());
        Assert.Equal(24, (int)written.Get(VideoCaptureProperties.FrameCount));
        Assert.Equal((640, 360), ((int)written.Get(VideoCaptureProperties.FrameWidth), (int)written.Get(VideoCaptureProperties.FrameHeight)));
    }

    [Fact]
    public void PipelineFileChoosesItsBackendAndDescribeSaysWhich()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), Pipeline($$"""{ "input": {{PipelineMedia.Json(Sample)}}, "backend": "opencv" }"""));
        var d = ConvstreamProcess.Run(work.Path, "describe", "p.json");
        Assert.True(d.ExitCode == 0, d.ToString());
        Assert.Contains($"backend: source {Sample} via opencv (VideoCapture); video outputs via ffmpeg", d.Stdout);
        d = ConvstreamProcess.Run(work.Path, "describe", "p.json", "--backend", "ffmpeg");
        Assert.Contains($"backend: source {Sample} via ffmpeg; video outputs via ffmpeg", d.Stdout);

        var r = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "out", "--frames", "3");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("via opencv (FFMPEG)", r.Stdout);
        Assert.Contains("wrote out/blur.mp4 via ffmpeg", r.Stdout.Replace(work.Path + "/", ""));
    }

    [Theory]
    [InlineData("run", 2, "option --backend 'gstreamer' is not auto, opencv or ffmpeg")]
    [InlineData("describe", 2, "option --backend 'gstreamer' is not auto, opencv or ffmpeg")]
    public void BadBackendIsAUsageError(string command, int exit, string message)
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), Pipeline(PipelineMedia.Json(Sample)));
        var r = ConvstreamProcess.Run(work.Path, command, "p.json", "--backend", "gstreamer");
        Assert.Equal(exit, r.ExitCode);
        Assert.Contains(message, Assert.Single(r.StderrLines));
    }

    [Theory]
    [InlineData("\"backend\": \"vlc\"", "p.json: source: key 'backend' 'vlc' is not auto, opencv or ffmpeg")]
    [InlineData("\"fourcc\": \"MJPEG\"", "p.json: source: key 'fourcc' 'MJPEG' must be four characters, e.g. MJPG")]
    [InlineData("\"colour\": \"yes\"", "p.json: source: unknown key 'colour'; expected input, backend, width, height, fps, fourcc, api, timeout")]
    public void BadSourceKeyIsOneLineBeforeAnyFile(string key, string message)
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), Pipeline($$"""{ "input": {{PipelineMedia.Json(Sample)}}, {{key}} }"""));
        var r = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "out");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(message, Assert.Single(r.StderrLines));
        Assert.False(Directory.Exists(work.File("out")) && Directory.EnumerateFiles(work.File("out"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public void MissingCameraWithOpenCvIsOneLineNamingCameraAndBackend()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), Pipeline("\"webcam:37\""));
        var r = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "out", "--backend", "opencv");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("convstream run: camera 37: OpenCV (V4L2) cannot open it (no such camera, or it is busy); `convstream devices` lists the cameras", Assert.Single(r.StderrLines));
        Assert.False(Directory.Exists(work.File("out")) && Directory.EnumerateFiles(work.File("out"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public void CodecTheVideoWriterCannotWriteIsOneLineBeforeAnyFile()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), $$"""
            { "source": {{PipelineMedia.Json(Sample)}}, "stages": [ { "name": "g", "op": "gray", "input": "source" } ],
              "outputs": [ { "kind": "file", "stage": "g", "path": "g.webm" } ] }
            """);
        var r = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "out", "--backend", "opencv", "--frames", "3");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("g.webm: OpenCV's VideoWriter (backend opencv) writes .mp4/.mov (mp4v), .avi (MJPG) or .mkv (FFV1), not '.webm'; use --backend ffmpeg", Assert.Single(r.StderrLines));
        Assert.False(Directory.Exists(work.File("out")) && Directory.EnumerateFiles(work.File("out"), "*", SearchOption.AllDirectories).Any());
    }
}
