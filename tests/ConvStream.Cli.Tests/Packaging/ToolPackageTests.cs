using System.IO.Compression;

namespace ConvStream.Cli.Tests.Packaging;

/// <summary>
/// The dotnet tool: <c>dotnet pack src/ConvStream.Cli</c>, <c>dotnet tool install --tool-path</c>,
/// then the installed <c>convstream</c> run from folders outside the repository, where only the
/// files the package ships (filters/, media/sample.mp4) can be found.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class ToolPackageTests(PackedPackages packages)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private CommandResult Convstream(string workDir, params string[] args) => DotnetProcess.Run(packages.Tool, workDir, null, Limit, args);

    [Fact]
    public void The_package_carries_the_native_libraries_the_shipped_files_and_its_readme()
    {
        using var zip = ZipFile.OpenRead(packages.ToolPackage);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        const string tool = "tools/net10.0/any/";
        foreach (string file in new[]
        {
            "convstream.dll", "DotnetToolSettings.xml",
            // OpenCvSharp4.official.runtime.linux-x64 and SkiaSharp/HarfBuzzSharp's NoDependencies natives (ScottPlot).
            "runtimes/linux-x64/native/libOpenCvSharpExtern.so",
            "runtimes/linux-x64/native/libSkiaSharp.so",
            "runtimes/linux-x64/native/libHarfBuzzSharp.so",
            "filters/pipelines/demo.json", "filters/kernels/sharpen.json", "filters/kernels/cnn/features.json",
            "media/sample.mp4",
        })
            Assert.True(names.Contains(tool + file), $"{Path.GetFileName(packages.ToolPackage)} lacks {tool}{file}");
        Assert.Contains("README.md", names);
        using var readme = new StreamReader(zip.GetEntry("README.md")!.Open());
        string text = readme.ReadToEnd();
        Assert.Contains("ffmpeg", text);
        Assert.Contains("libgtk-3-0 libdrm2 libatomic1", text);
        // The shipped files are the repository's, byte for byte.
        using var demo = new StreamReader(zip.GetEntry(tool + "filters/pipelines/demo.json")!.Open());
        Assert.Equal(File.ReadAllText(Path.Combine(PipelineMedia.Pipelines, "demo.json")), demo.ReadToEnd());
    }

    [Fact]
    public void The_installed_command_answers_help_and_version()
    {
        using var work = new TempFolder();
        var help = Convstream(work.Path, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (string verb in new[] { "run", "filter", "demo", "op", "bench" }) Assert.Contains(verb, help.Stdout);
        var version = Convstream(work.Path, "--version");
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Contains(packages.Version, version.Stdout);
    }

    [Fact]
    public void Filter_from_a_folder_outside_the_repository_finds_the_shipped_kernel_and_gives_the_built_commands_result()
    {
        using var work = new TempFolder();
        string frame = work.File("frame.png");
        PipelineMedia.DecodeFrame(Path.Combine(PipelineMedia.RepoRoot, "media", "sample.mp4"), 0, frame);

        var shipped = Convstream(work.Path, "filter", "frame.png", "sharp.npy", "--stage", "gray", "--stage", "conv:kernel=filters/kernels/sharpen.json");
        Assert.True(shipped.ExitCode == 0, shipped.ToString());
        // The same stages through the repository's own build, the kernel named by its full path.
        var built = ConvstreamProcess.Run(work.Path, "filter", "frame.png", "built.npy", "--stage", "gray",
            "--stage", $"conv:kernel={Path.Combine(PipelineMedia.Kernels, "sharpen.json")}");
        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Equal(File.ReadAllBytes(work.File("built.npy")), File.ReadAllBytes(work.File("sharp.npy")));

        // Sharpening changed the picture: the gray frame alone differs.
        Assert.True(Convstream(work.Path, "filter", "frame.png", "gray.npy", "--stage", "gray").ExitCode == 0);
        Assert.NotEqual(File.ReadAllBytes(work.File("gray.npy")), File.ReadAllBytes(work.File("sharp.npy")));
    }

    [Fact]
    public void A_filters_folder_in_the_working_directory_wins_over_the_shipped_one()
    {
        using var work = new TempFolder();
        string frame = work.File("frame.png");
        PipelineMedia.DecodeFrame(Path.Combine(PipelineMedia.RepoRoot, "media", "sample.mp4"), 0, frame);
        Directory.CreateDirectory(work.File("filters/kernels"));
        // The user's own sharpen.json is the identity: the output is the gray frame unchanged.
        File.WriteAllText(work.File("filters/kernels/sharpen.json"), """{ "weights": [[0, 0, 0], [0, 1, 0], [0, 0, 0]] }""");

        var own = Convstream(work.Path, "filter", "frame.png", "own.npy", "--stage", "gray", "--stage", "conv:kernel=filters/kernels/sharpen.json");
        Assert.True(own.ExitCode == 0, own.ToString());
        Assert.True(Convstream(work.Path, "filter", "frame.png", "gray.npy", "--stage", "gray").ExitCode == 0);
        Assert.Equal(File.ReadAllBytes(work.File("gray.npy")), File.ReadAllBytes(work.File("own.npy")));

        // A filters/ path found in neither place keeps the user's spelling in the error.
        var missing = Convstream(work.Path, "filter", "frame.png", "x.npy", "--stage", "conv:kernel=filters/kernels/nothing-here.json");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nothing-here.json", missing.Stderr);
        Assert.Contains(work.Path, missing.Stderr);
        Assert.False(File.Exists(work.File("x.npy")));
    }

    [Fact]
    public void Describe_and_demo_use_the_shipped_pipeline_and_clip_and_write_into_the_working_directory()
    {
        using var work = new TempFolder();
        var describe = Convstream(work.Path, "describe", "filters/pipelines/demo.json");
        Assert.True(describe.ExitCode == 0, describe.ToString());
        // The source is the shipped clip (probed: 640x360), the emboss kernel the shipped ../kernels/emboss.json.
        Assert.Contains("640x360x3 u8", describe.Stdout);
        foreach (string stage in new[] { "blur", "edges", "emboss", "pooled" }) Assert.Contains(stage, describe.Stdout);

        var demo = Convstream(work.Path, "demo", "--frames", "5");
        Assert.True(demo.ExitCode == 0, demo.ToString());
        foreach (string output in new[] { "blur.mp4", "edges.mp4", "emboss.mp4", "pooled.mp4" })
        {
            string file = work.File(Path.Combine("out", output));
            Assert.True(File.Exists(file), $"{file} missing: {demo}");
            Assert.Equal(5, PipelineMedia.Video(file).Frames);
        }
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(packages.Tool)!, "out")), "demo wrote into the tool path");
        Assert.Empty(Directory.GetDirectories(Path.Combine(packages.ToolPath, ".store"), "out", SearchOption.AllDirectories));
    }
}
