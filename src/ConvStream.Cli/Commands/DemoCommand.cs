using System.CommandLine;
using ConvStream.Cli.CommandLine;
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

    internal static Command Create()
    {
        var output = CliOption.Value("--output", "DIR", "folder for the results", defaultText: "out/ of the repository; ./out for an installed tool");
        var preview = CliOption.Flag("--preview", "also show them together in one mosaic window");
        var frames = CliOption.Value("--frames", "N", "stop after N source frames", defaultText: "the whole clip");
        var command = new VerbCommand("demo", Summary, "usage: convstream demo [--output DIR] [--preview] [--frames N]")
        {
            Notes = "Runs filters/pipelines/demo.json (Gaussian, Sobel magnitude, an emboss kernel and a max-pool, as four branches\n" +
                    "of one source) on media/sample.mp4. The repository is found from the current folder or the program's; an\n" +
                    "installed tool uses the files it ships, and writes to ./out.",
            Examples = ["convstream demo", "convstream demo --preview --frames 120"],
        };
        foreach (var option in new Option[] { output, preview, frames }) command.Options.Add(option);
        command.SetAction(r => Execute(r.GetValue(output), r.GetValue(preview),
            r.GetValue(frames) is string f ? RunCommand.PositiveLong("--frames", f) : null));
        return command;
    }

    private static int Execute(string? output, bool preview, long? frames)
    {
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
