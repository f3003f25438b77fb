using ConvStream.Media.Segments;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream join DIR</c>: joins the segments that <c>run --segment I/N --output DIR</c> wrote
/// (by workers here or pods of an Indexed Job) into the outputs a single run writes to DIR; refuses,
/// naming it, a segment that is absent, unfinished, changed or from another pipeline or input.
/// </summary>
public static class JoinCommand
{
    public const string Summary = "join the segments of 'run --segment I/N' into whole outputs";

    public static string Help => string.Join(Environment.NewLine,
        "usage: convstream join DIR",
        "",
        "Checks that DIR/segments holds every segment of the plan, finished (its segment.json), with",
        "contiguous frame ranges, unchanged parts (sha256) and one pipeline and input; then joins each",
        "video output with ffmpeg's concat demuxer (stream copy) and the source's audio muxed once over",
        "the whole, and renumbers image outputs into one sequence. Outputs are written to DIR as a single",
        "run writes them, each under a temporary name until whole. Re-run a failed segment, then join again.");

    public static int Run(string[] args)
    {
        var a = new ArgReader(args, "join");
        if (a.HelpRequested) { Console.Out.WriteLine(Help); return 0; }
        string dir = a.Positional("the output folder DIR of the segment runs");
        a.EnsureAllUsed();
        using var signals = new RunSignals(line => Console.Error.WriteLine($"convstream join: {line}"));
        foreach (string line in SegmentJoin.Join(dir, signals.Stopping)) Console.Out.WriteLine(line);
        return 0;
    }
}
