using System.Globalization;
using System.Text.RegularExpressions;

namespace ConvStream.Cli.Tests.Faults;

/// <summary>
/// Faults injected into the media layer of a real run: a full disk (a 200 KB tmpfs), ffmpeg
/// children killed with SIGKILL at a random moment (the seed is in the test's name), a damaged
/// file. Each checks the exit status, the message, that every output is either whole and
/// playable or absent (never a partial under any name), and that no child is left.
/// </summary>
public class MediaFaultTests
{
    private static string TwoOutputs(string source, string first, string second) => $$"""
        { "source": {{PipelineMedia.Json(source)}},
          "stages": [ { "name": "blur", "op": "gaussian", "input": "source", "size": 5, "sigma": 0 } ],
          "outputs": [ { "kind": "file", "stage": "blur", "path": {{PipelineMedia.Json(first)}} },
                       { "kind": "file", "stage": "source", "path": {{PipelineMedia.Json(second)}} } ] }
        """;

    [SkippableFact]
    public async Task AFullDiskLosesNoFileSilentlyAndLeavesNoPartialNorChild()
    {
        using var disk = Tmpfs.TryMount("size=200k", out string why);
        Skip.If(disk is null, why);
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), TwoOutputs("testsrc2:320x240@30", "blur.mp4", "source.mp4"));
        var tag = new RunTag();
        var r = ConvstreamProcess.Run(work.Path, tag.Environment, "run", "p.json", "--output", disk!.Path, "--frames", "600");
        Assert.Empty(await tag.Leftovers()); // the decoder and both encoders are gone

        Assert.True(r.ExitCode == 1, r.ToString());
        string line = Assert.Single(r.StderrLines, l => !l.StartsWith('['));
        Assert.Contains("No space left on device", line);
        // Each output is named: lost (not written, absent), or kept, whole and playable (an encoder
        // that finishes after a failed one's file was deleted may find room again).
        var lost = Regex.Match(line, @"not written: ([^;]+)");
        Assert.True(lost.Success, line);
        var kept = Regex.Matches(line, $@"{Regex.Escape(disk.Path)}/(\w+\.mp4) \((\d+) frames\)");
        foreach (string name in new[] { "blur.mp4", "source.mp4" })
        {
            bool isLost = lost.Groups[1].Value.Contains($"{disk.Path}/{name}", StringComparison.Ordinal);
            var k = kept.FirstOrDefault(m => m.Groups[1].Value == name);
            Assert.True(isLost != (k is not null), $"{name} is neither or both lost and kept: {line}");
            if (isLost) Assert.False(File.Exists(Path.Combine(disk.Path, name)));
            else Assert.Equal(int.Parse(k!.Groups[2].Value, CultureInfo.InvariantCulture), PipelineMedia.Video(Path.Combine(disk.Path, name)).Frames);
        }
        // Nothing else: no partial under any name.
        Assert.Equal(kept.Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal),
            Directory.GetFileSystemEntries(disk.Path).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task AFullDiskDeletesAnUnfinishedY4mAndLeavesNoChild()
    {
        using var disk = Tmpfs.TryMount("size=200k", out string why);
        Skip.If(disk is null, why);
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), """
            { "source": "test:320x240@30", "stages": [ { "name": "g", "op": "gray", "input": "source" } ],
              "outputs": [ { "kind": "file", "stage": "source", "path": "source.y4m" } ] }
            """);
        var tag = new RunTag();
        var r = ConvstreamProcess.Run(work.Path, tag.Environment, "run", "p.json", "--output", disk!.Path, "--frames", "30");
        Assert.Empty(await tag.Leftovers());
        Assert.True(r.ExitCode == 1, r.ToString());
        string line = Assert.Single(r.StderrLines, l => !l.StartsWith('['));
        Assert.Contains("No space left on device", line);
        Assert.Contains($"not written: {disk.Path}/source.y4m", line);
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
    }

    [SkippableFact]
    public async Task AFullDiskKeepsAndNamesTheOutputsThatFinishedAndLeavesNoChild()
    {
        using var disk = Tmpfs.TryMount("size=200k", out string why);
        Skip.If(disk is null, why);
        using var work = new TempFolder();
        // Pipeline files take relative paths only: from out/ to the tmpfs.
        string onDisk = Path.Combine(Path.GetRelativePath(work.File("out"), disk!.Path), "blur.mp4");
        File.WriteAllText(work.File("p.json"), TwoOutputs("testsrc2:320x240@30", onDisk, "source.mkv"));
        var tag = new RunTag();
        var r = ConvstreamProcess.Run(work.Path, tag.Environment, "run", "p.json", "--output", "out", "--frames", "600", "--allow-outside-output");
        Assert.Empty(await tag.Leftovers());

        Assert.True(r.ExitCode == 1, r.ToString());
        string line = Assert.Single(r.StderrLines, l => !l.StartsWith('['));
        Assert.Contains($"output '{onDisk}' failed", line);
        Assert.Contains($"not written: out/{onDisk}", line);
        Assert.Contains("No space left on device", line);
        var kept = Regex.Match(line, @"kept: out/source\.mkv \((\d+) frames\)");
        Assert.True(kept.Success, line);
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
        Assert.Equal(int.Parse(kept.Groups[1].Value, CultureInfo.InvariantCulture), PipelineMedia.Video(work.File("out/source.mkv")).Frames);
        Assert.Equal(["source.mkv"], Directory.GetFiles(work.File("out")).Select(f => Path.GetFileName(f)!));
    }

    /// <summary>
    /// Runs two outputs of a test source, kills (SIGKILL) the one ffmpeg child whose command line
    /// <paramref name="which"/> picks after a seeded random number of frames, and returns its id,
    /// every child's id and the run's one error line (the run must exit 1).
    /// </summary>
    private static async Task<(int Killed, string Line)> KillOneChild(TempFolder work, int seed, Func<string, bool> which)
    {
        File.WriteAllText(work.File("p.json"), TwoOutputs("testsrc2:320x240@30", "blur.mp4", "source.mkv"));
        await using var run = LongRun.Start(work.Path, "run", "p.json", "--output", "out", "--frames", "100000");
        await run.WaitForFrames(new Random(seed).Next(5, 120));
        var children = run.Children();
        int child = Assert.Single(children, c => which(LongRun.Arguments(c)));
        PipelineMedia.Tool("kill", "-KILL", child.ToString(CultureInfo.InvariantCulture));
        var r = await run.Exit();
        Assert.True(r.ExitCode == 1, r.ToString());
        // No child left: the killed one, the other two, and any the run started later (a trimming ffmpeg).
        Assert.Empty(await run.Leftovers());
        return (child, Assert.Single(r.StderrLines, l => !l.StartsWith('[')));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task AKilledEncoderIsNamedWithItsSignalAndItsFileIsNotKept(int seed)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var work = new TempFolder();
        var (encoder, line) = await KillOneChild(work, seed, args => args.Contains("blur.") && args.Contains("pipe:0"));
        Assert.Contains($"output 'blur.mp4' failed: out/blur.mp4: the encoder (ffmpeg, process {encoder}) was killed by signal 9 (SIGKILL) after", line);
        Assert.Contains("its last lines: ", line);
        Assert.Contains("not written: out/blur.mp4", line);
        var kept = Regex.Match(line, @"kept: out/source\.mkv \((\d+) frames\)");
        Assert.True(kept.Success, line);
        Assert.Equal(["source.mkv"], Directory.GetFiles(work.File("out")).Select(f => Path.GetFileName(f)!));
        Assert.Equal(int.Parse(kept.Groups[1].Value, CultureInfo.InvariantCulture), PipelineMedia.Video(work.File("out/source.mkv")).Frames);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AKilledDecoderEndsTheRunAfterEveryDecodedFrameReachedEveryOutput(int seed)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var work = new TempFolder();
        var (decoder, line) = await KillOneChild(work, seed, args => args.Contains("pipe:1"));
        // Killed between two frames or in the middle of one.
        var m = Regex.Match(line, @"source failed: .*(?:decoding failed after (\d+) frames: |ended in the middle of frame (\d+) \(\d+ of 230400 bytes\); )ffmpeg \(process (\d+)\) was killed by signal 9 \(SIGKILL\); its last lines: ");
        Assert.True(m.Success, line);
        Assert.Equal(decoder.ToString(CultureInfo.InvariantCulture), m.Groups[3].Value);
        int decoded = int.Parse(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, CultureInfo.InvariantCulture);
        // Both outputs are kept, complete, and hold every frame decoded before the decoder died.
        Assert.Contains($"kept: out/blur.mp4 ({decoded} frames), out/source.mkv ({decoded} frames)", line);
        Assert.Equal(decoded, PipelineMedia.Video(work.File("out/blur.mp4")).Frames);
        Assert.Equal(decoded, PipelineMedia.Video(work.File("out/source.mkv")).Frames);
        Assert.Equal(["blur.mp4", "source.mkv"], Directory.GetFiles(work.File("out")).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ADamagedFileIsConcealedByDefaultAndCounted_OrStopsWhenAsked()
    {
        using var work = new TempFolder();
        PipelineMedia.Tool("ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=30", "-t", "2",
            "-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p", "-y", work.File("clean.mp4"));
        // Flip 40 bytes inside the coded frames (not the header, not the index at the end).
        byte[] bytes = File.ReadAllBytes(work.File("clean.mp4"));
        var rng = new Random(5);
        for (int i = 0; i < 40; i++) bytes[rng.Next(bytes.Length / 5, bytes.Length * 9 / 10)] ^= 0xFF;
        File.WriteAllBytes(work.File("flipped.mp4"), bytes);
        File.WriteAllText(work.File("p.json"), """
            { "source": "flipped.mp4", "stages": [ { "name": "a", "op": "gray", "input": "source" } ],
              "outputs": [ { "kind": "file", "stage": "a", "path": "a.mkv" } ] }
            """);

        var tag = new RunTag();
        var skip = ConvstreamProcess.Run(work.Path, tag.Environment, "run", "p.json", "--output", "skip");
        Assert.True(skip.ExitCode == 0, skip.ToString());
        var counted = Regex.Match(skip.Stdout, @"source: (\d+) decode error\(s\) concealed, (\d+) frame\(s\) damaged");
        Assert.True(counted.Success, skip.ToString());
        Assert.True(int.Parse(counted.Groups[1].Value, CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(60, PipelineMedia.Video(work.File("skip/a.mkv")).Frames); // as many frames as the source, as ffmpeg gives

        var stop = ConvstreamProcess.Run(work.Path, tag.Environment, "run", "p.json", "--output", "stop", "--on-decode-error", "stop");
        Assert.True(stop.ExitCode == 1, stop.ToString());
        string line = Assert.Single(stop.StderrLines, l => !l.StartsWith('['));
        var m = Regex.Match(line, @"decoding failed after (\d+) frames: .*kept: stop/a\.mkv \((\d+) frames\)");
        Assert.True(m.Success, line);
        int decoded = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(decoded, 1, 59);
        Assert.Equal(decoded.ToString(CultureInfo.InvariantCulture), m.Groups[2].Value);
        Assert.Equal(decoded, PipelineMedia.Video(work.File("stop/a.mkv")).Frames);
        Assert.Empty(await tag.Leftovers()); // neither run left its decoder or encoder behind

        var bad = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "bad", "--on-decode-error", "ignore");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--on-decode-error 'ignore' must be stop or skip", bad.Stderr);
    }
}
