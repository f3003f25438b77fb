using ConvStream.Engine;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream demo</c> (what <c>./run.sh demo</c> runs): <c>filters/pipelines/demo.json</c> on
/// <c>media/sample.mp4</c> into <c>out/</c>, then the summary. Without the clip it runs on the
/// synthetic pattern; without ffmpeg it still runs the stages, with null outputs; either way it
/// says so.
/// </summary>
public static class DemoCommand
{
    public const string Summary = "run filters/pipelines/demo.json on media/sample.mp4 into out/ and print the summary";

    public static string Help => string.Join(Environment.NewLine,
        "usage: convstream demo [--output DIR] [--preview] [--frames N]",
        "",
        "Runs filters/pipelines/demo.json (Gaussian, Sobel magnitude, an emboss kernel and a max-pool,",
        "as four branches of one source) on media/sample.mp4 and writes the results to out/ (or --output).",
        "--preview also shows them together in one mosaic window. The repository is found from the",
        "current folder or the program's; an installed tool uses the files it ships, and writes to ./out.");

    public static int Run(string[] args)
    {
        var a = new ArgReader(args, "demo", "--preview");
        if (a.HelpRequested) { Console.Out.WriteLine(Help); return 0; }
        string? output = a.Optional("--output");
        bool preview = a.Flag("--preview");
        long? frames = a.Optional("--frames") is string f ? RunCommand.PositiveLong("--frames", f) : null;
        a.EnsureAllUsed();

        string root = FindRoot() ?? throw new ConvStreamException("demo: filters/pipelines/demo.json not found above the current folder or the program's; run from the repository");
        string pipeline = Path.Combine(root, "filters", "pipelines", "demo.json");
        string sample = Path.Combine(root, "media", "sample.mp4");
        bool ffmpeg = RunMedia.HasFfmpeg();
        string? input = null;
        if (!ffmpeg || !File.Exists(sample))
        {
            input = "test:1280x720@30";
            Console.Error.WriteLine(!ffmpeg
                ? "demo: ffmpeg is not installed, so the sample clip cannot be decoded nor outputs encoded: running the stages on the synthetic test pattern with null outputs"
                : $"demo: {sample} is missing: running on the synthetic test pattern instead");
        }
        return RunCommand.Execute(new RunCommand.RunRequest
        {
            PipelinePath = pipeline,
            Input = input,
            // The installed tool's own folder is no place for outputs: they go to ./out then.
            OutputDirectory = output ?? (IsToolFolder(root) ? "out" : Path.Combine(root, "out")),
            Preview = preview,
            Frames = frames,
            NullOutputs = !ffmpeg,
        }, Console.Out);
    }

    private static bool IsToolFolder(string root)
        => Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) == Path.GetFullPath(ShippedFiles.ToolFolder).TrimEnd(Path.DirectorySeparatorChar);

    private static string? FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "filters", "pipelines", "demo.json"))) return d.FullName;
        return null;
    }
}
