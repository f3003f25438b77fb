using ConvStream.Cli.Tests.Faults;

namespace ConvStream.Cli.Tests;

/// <summary>
/// Output paths are checked before the source is opened: a folder where a file should go, a path
/// leading out of --output, an output that is the source, --output naming a file, a read-only
/// folder. Each is one exit-1 line naming the output and the path, and nothing is created or
/// changed (no empty folder, no partial, the source intact).
/// </summary>
public class OutputPathTests
{
    private static string Pipeline(string source, string path) => $$"""
        { "source": {{PipelineMedia.Json(source)}}, "stages": [ { "name": "a", "op": "gray", "input": "source" } ],
          "outputs": [ { "kind": "file", "stage": "a", "path": {{PipelineMedia.Json(path)}} } ] }
        """;

    private static void AssertOneLine(CommandResult r, params string[] words)
    {
        Assert.True(r.ExitCode == 1, r.ToString());
        string line = Assert.Single(r.StderrLines);
        foreach (var w in words) Assert.True(line.Contains(w, StringComparison.Ordinal), $"'{w}' missing from: {line}");
    }

    [Fact]
    public void AnOutputThatIsAFolderIsRefusedBeforeTheFirstFrame()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), Pipeline("test:64x48@30", "a.mp4"));
        Directory.CreateDirectory(work.File("out/a.mp4"));
        var r = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "out", "--frames", "5");
        AssertOneLine(r, "output 'a.mp4'", work.File("out/a.mp4"), "is a folder; expected a file name");
        Assert.Equal(["a.mp4"], Directory.GetFileSystemEntries(work.File("out")).Select(f => Path.GetFileName(f)!));
        Assert.Empty(Directory.GetFileSystemEntries(work.File("out/a.mp4")));
    }

    [Fact]
    public void APathOutsideTheOutputFolderNeedsTheExplicitFlag()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), Pipeline("test:64x48@30", "../../x.mp4"));
        var r = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "out/deep", "--frames", "5");
        AssertOneLine(r, "output '../../x.mp4'", "leads outside the --output folder", work.File("out/deep"), work.File("x.mp4"), "--allow-outside-output");
        Assert.Equal(["p.json"], work.Files());

        var allowed = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "out/deep", "--frames", "5", "--allow-outside-output");
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Equal(5, PipelineMedia.Video(work.File("x.mp4")).Frames);
    }

    [Fact]
    public void AnOutputThatIsTheSourceIsRefusedAndTheSourceIsUntouched()
    {
        using var work = new TempFolder();
        File.Copy(PipelineMedia.Clip, work.File("clip.mp4"));
        byte[] before = File.ReadAllBytes(work.File("clip.mp4"));
        File.WriteAllText(work.File("p.json"), Pipeline("clip.mp4", "clip.mp4"));
        var r = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", ".");
        AssertOneLine(r, "output 'clip.mp4'", "is the source", work.File("clip.mp4"));
        Assert.Equal(before, File.ReadAllBytes(work.File("clip.mp4")));
        Assert.Equal(["clip.mp4", "p.json"], work.Files());
    }

    [Fact]
    public void OutputNamingAFileIsRefused()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), Pipeline("test:64x48@30", "a.mp4"));
        File.WriteAllText(work.File("out"), "a file");
        var r = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "out", "--frames", "5");
        AssertOneLine(r, "--output out", "is a file; expected a folder");
        var nested = ConvstreamProcess.Run(work.Path, "run", "p.json", "--output", "out/sub", "--frames", "5");
        AssertOneLine(nested, "output 'a.mp4'", work.File("out"), "is a file");
        Assert.Equal("a file", File.ReadAllText(work.File("out")));
    }

    [SkippableFact]
    public async Task AReadOnlyFolderIsRefusedBeforeTheFirstFrame()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), Pipeline("test:64x48@30", "sub/a.mp4"));
        using var ro = Tmpfs.TryMount("ro,size=64k", out string why);
        Skip.If(ro is null, why);
        var tag = new Faults.RunTag();
        var r = ConvstreamProcess.Run(work.Path, tag.Environment, "run", "p.json", "--output", ro!.Path + "/deeper", "--frames", "5");
        AssertOneLine(r, "output 'sub/a.mp4'", $"the folder {ro.Path} cannot be written", "Read-only file system");
        Assert.Empty(Directory.GetFileSystemEntries(ro.Path));
        Assert.Empty(await tag.Leftovers());
    }

    [SkippableFact]
    public async Task AFileSystemWithoutRoomIsRefusedBeforeTheFirstFrame()
    {
        using var work = new TempFolder();
        File.WriteAllText(work.File("p.json"), Pipeline("test:64x48@30", "a.mp4"));
        using var tiny = Faults.Tmpfs.TryMount("size=32k", out string why);
        Skip.If(tiny is null, why);
        var tag = new Faults.RunTag();
        var r = ConvstreamProcess.Run(work.Path, tag.Environment, "run", "p.json", "--output", tiny!.Path, "--frames", "5");
        AssertOneLine(r, "output 'a.mp4'", "bytes free on the file system of " + tiny.Path, "at least 65536 are needed");
        Assert.Empty(Directory.GetFileSystemEntries(tiny.Path));
        Assert.Empty(await tag.Leftovers());
    }
}
