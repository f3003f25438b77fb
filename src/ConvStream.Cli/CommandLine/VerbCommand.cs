using System.CommandLine;

namespace ConvStream.Cli.CommandLine;

/// <summary>
/// One <c>convstream</c> command: System.CommandLine's <see cref="Command"/> with what its help shows
/// beyond the generated option list: a one-line synopsis first (the shape of a whole command line,
/// which scripts and people copy), notes after the options, and examples.
/// </summary>
internal sealed class VerbCommand : Command
{
    public VerbCommand(string name, string description, string synopsis) : base(name, description)
    {
        Synopsis = synopsis;
    }

    /// <summary>The first line of the help, e.g. <c>usage: convstream join DIR</c>.</summary>
    public string Synopsis { get; }

    /// <summary>Text printed after the option list (semantics no single option owns).</summary>
    public string? Notes { get; init; }

    /// <summary>Whole command lines, printed under "examples:".</summary>
    public IReadOnlyList<string> Examples { get; init; } = [];

    /// <summary>What this command calls its sub-commands in "unknown op 'x'" (null: "command").</summary>
    public string? SubcommandKind { get; init; }
}
