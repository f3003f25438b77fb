using System.CommandLine;
using System.CommandLine.Help;

namespace ConvStream.Cli.CommandLine;

/// <summary>
/// The help every command prints for <c>-h</c>/<c>--help</c>: the command's synopsis line, then
/// System.CommandLine's generated description and lists of arguments, options (each with its
/// default) and sub-commands, then notes and examples. System.CommandLine keeps its help builder
/// to itself, so its text is taken whole and its generic "Usage:" section replaced by the synopsis.
/// </summary>
internal static class HelpLayout
{
    /// <summary>Runs the help action of <paramref name="result"/> and prints the arranged text on stdout.</summary>
    public static int Print(ParseResult result)
    {
        if (result.Action is HelpAction help) help.MaxWidth = Width();
        var generated = new StringWriter();
        int status = result.Invoke(new InvocationConfiguration { Output = generated, EnableDefaultExceptionHandler = false });
        Console.Out.Write(Arrange(result.CommandResult.Command, generated.ToString()));
        return status;
    }

    internal static string Arrange(Command command, string generated)
    {
        var verb = command as VerbCommand ?? (command is RootCommand ? Root : null);
        if (verb is null) return generated;
        var sections = generated.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(s => !s.StartsWith("Usage:", StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(s))
            .ToList();
        sections.Insert(0, verb.Synopsis);
        if (!string.IsNullOrEmpty(verb.Notes)) sections.Add(verb.Notes);
        if (verb.Examples.Count > 0) sections.Add("Examples:\n" + string.Join("\n", verb.Examples.Select(e => "  " + e)));
        return string.Join("\n\n", sections.Select(s => s.TrimEnd('\n'))).ReplaceLineEndings() + Environment.NewLine;
    }

    /// <summary>What the root's help adds to the generated text.</summary>
    private static readonly VerbCommand Root = new("convstream", "", "usage: convstream COMMAND [options]")
    {
        Notes = "convstream COMMAND --help shows a command's options; convstream completion bash|zsh|pwsh prints a tab-completion\n" +
                "script; arguments can be read from a response file: convstream @args.rsp (one argument or option per line).\n" +
                "Exit status: 0 success, 1 bad input, 2 bad command line, 130/143/129 interrupted (SIGINT/SIGTERM/SIGHUP).",
        Examples =
        [
            "convstream filter photo.jpg edges.png --stage gray --stage sobel-magnitude",
            "convstream run filters/pipelines/demo.json --input media/sample.mp4 --output out",
            "convstream op conv2d --input x.npy --weight w.npy --padding same --output y.npy",
            "convstream --version --verbose",
        ],
    };

    /// <summary>The terminal's width when there is one; a stable 110 columns in pipes and logs.</summary>
    private static int Width()
    {
        if (Console.IsOutputRedirected) return 110;
        try { return Math.Max(80, Console.WindowWidth); }
        catch (IOException) { return 110; }
    }
}
