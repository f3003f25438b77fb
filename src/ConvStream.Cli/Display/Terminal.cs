using Spectre.Console;

namespace ConvStream.Cli.Display;

/// <summary>
/// Whether convstream draws for a person or writes for a program. stdout and stderr are decided
/// apart: a stream that is a terminal gets Spectre.Console's tables and live progress; one that is
/// redirected (a log, a pipe, CI), or a terminal with TERM=dumb, gets plain, stable text. NO_COLOR
/// (https://no-color.org) keeps the drawing but drops the colours.
/// </summary>
internal static class Terminal
{
    /// <summary>A Spectre console drawing on <paramref name="writer"/> when it is the process's stdout or stderr and a terminal; else null (write plain text).</summary>
    public static IAnsiConsole? Rich(TextWriter writer)
    {
        bool terminal = ReferenceEquals(writer, Console.Out) ? !Console.IsOutputRedirected
            : ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
        if (!terminal || Environment.GetEnvironmentVariable("TERM") == "dumb") return null;
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = NoColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
        });
    }

    private static bool NoColor => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
}
