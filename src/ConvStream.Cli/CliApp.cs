using System.CommandLine;
using System.CommandLine.Invocation;
using ConvStream.Cli.CommandLine;
using ConvStream.Engine;

namespace ConvStream.Cli;

/// <summary>
/// The composition root of the <c>convstream</c> command: the System.CommandLine tree of every
/// verb, and the one place that turns every user error into one line on stderr and a non-zero
/// exit, never a stack trace. Help (<c>-h</c>), <c>--version</c>, response files (<c>@file</c>) and
/// the <c>[suggest]</c> completion directive are System.CommandLine's.
/// </summary>
public static class CliApp
{
    /// <summary>Exit status for bad input (a file, option or shape the user got wrong).</summary>
    public const int ExitBadInput = 1;
    /// <summary>Exit status for a command line that does not parse.</summary>
    public const int ExitUsage = 2;
    /// <summary>Exit status for a fault of ConvStream itself.</summary>
    public const int ExitInternal = 70;
    /// <summary>Exit status after Ctrl+C (128 + SIGINT).</summary>
    public const int ExitInterrupted = 130;

    public static int Run(string[] args)
    {
        // "convstream help [COMMAND...]" has always meant --help.
        if (args is ["help", .. var rest]) args = [.. rest, "--help"];
        var root = CreateRoot();
        var result = root.Parse(args);
        var command = result.CommandResult.Command;
        var invocation = new InvocationConfiguration
        {
            // Errors are reported below, as one line; exceptions reach the catch clauses here.
            EnableDefaultExceptionHandler = false,
            // RunSignals owns SIGINT/SIGTERM/SIGHUP (drain, then exit 130/143/129).
            ProcessTerminationTimeout = null,
        };
        // Help, --version, [suggest:N]: System.CommandLine's own actions, even on an incomplete line.
        if (result.Action is System.CommandLine.Help.HelpAction) return HelpLayout.Print(result);
        if (result.Action is not null && result.Action != command.Action && result.Action is not ParseErrorAction)
            return result.Invoke(invocation);

        string prefix = Prefix(result);
        if (UsageErrors.First(result) is string usage)
        {
            Console.Error.WriteLine($"{prefix}: {usage.ReplaceLineEndings(" ")}");
            return ExitUsage;
        }
        try
        {
            return result.Invoke(invocation);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{prefix}: {e.Message}");
            return ExitUsage;
        }
        catch (ConvStreamException e)
        {
            Console.Error.WriteLine($"{prefix}: {e.Message}");
            return ExitBadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"{prefix}: interrupted");
            return ExitInterrupted;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("CONVSTREAM_DEBUG") is null)
        {
            Console.Error.WriteLine($"{prefix}: internal error: {e.GetType().Name}: {e.Message} (set CONVSTREAM_DEBUG=1 for the stack trace)");
            return ExitInternal;
        }
    }

    /// <summary>Every verb, with help laid out and <c>--version</c> able to take <c>--verbose</c>.</summary>
    internal static RootCommand CreateRoot()
    {
        var root = new RootCommand("ConvStream: real-time video filters and tensor operations (convolution, pooling) in C#.");
        Command[] verbs =
        [
            Commands.OpCommand.Create(),
            Commands.FilterCommand.Create(),
            Commands.DevicesCommand.Create(),
            Commands.RunCommand.Create(),
            Commands.DescribeCommand.Create(),
            Commands.BenchCommand.Create(),
            Commands.DemoCommand.Create(),
            Commands.FitCommand.Create(),
            Commands.JoinCommand.Create(),
            Commands.K8sJobCommand.Create(),
            Commands.InfoCommand.Create(),
            Commands.CompletionCommand.Create(),
        ];
        foreach (var verb in verbs.OrderBy(v => v.Name, StringComparer.Ordinal)) root.Subcommands.Add(verb);
        root.Subcommands.Add(Commands.InfoCommand.CreateVersionAlias());
        Commands.InfoCommand.ReplaceVersionOption(root);
        // "convstream" alone: what there is to run, and the exit status of an incomplete command line.
        root.SetAction(r => ShowHelp(r, ExitUsage));
        return root;
    }

    /// <summary>Prints the help of the command <paramref name="result"/> reached (on stdout) and returns <paramref name="exitCode"/>.</summary>
    internal static int ShowHelp(ParseResult result, int exitCode)
    {
        HelpLayout.Print(result.RootCommandResult.Command.Parse([.. CommandPath(result), "--help"]));
        return exitCode;
    }

    /// <summary>"convstream op conv2d", "convstream run", or "convstream" for the root.</summary>
    private static string Prefix(ParseResult result) => string.Join(' ', CommandPath(result).Prepend("convstream"));

    private static List<string> CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (var c = result.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            if (c.Command is not RootCommand) names.Insert(0, c.Command.Name);
        return names;
    }
}
