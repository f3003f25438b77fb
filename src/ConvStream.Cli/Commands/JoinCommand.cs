using System.CommandLine;
using ConvStream.Cli.CommandLine;
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

    internal static Command Create()
    {
        var dir = CliOption.Positional("DIR", "the output folder DIR of the segment runs", "the --output folder of the segment runs");
        var command = new VerbCommand("join", Summary, "usage: convstream join DIR")
        {
            Notes = "Checks that DIR/segments holds every segment of the plan, finished (its segment.json), with contiguous frame\n" +
                    "ranges, unchanged parts (sha256) and one pipeline and input; then joins each video output with ffmpeg's concat\n" +
                    "demuxer (stream copy) and the source's audio muxed once over the whole, and renumbers image outputs into one\n" +
                    "sequence. Outputs are written to DIR as a single run writes them, each under a temporary name until whole.\n" +
                    "Re-run a failed segment, then join again.",
            Examples = ["convstream run filters/pipelines/demo.json --input clip.mp4 --segment 0/2 --output out && convstream join out"],
        };
        command.Arguments.Add(dir);
        command.SetAction(r =>
        {
            using var signals = new RunSignals(line => Console.Error.WriteLine($"convstream join: {line}"));
            foreach (string line in SegmentJoin.Join(r.GetValue(dir)!, signals.Stopping)) Console.Out.WriteLine(line);
            return 0;
        });
        return command;
    }
}
