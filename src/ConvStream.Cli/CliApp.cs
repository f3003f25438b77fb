using ConvStream.Engine;

namespace ConvStream.Cli;

/// <summary>
/// The composition root of the <c>convstream</c> command: picks the verb and turns every user
/// error into one line on stderr and a non-zero exit, never a stack trace.
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

    private static readonly SortedDictionary<string, (Func<string[], int> Run, string Summary)> Verbs = new()
    {
        // verb → (entry point, one-line summary); each verb lives in Commands/.
        ["op"] = (Commands.OpCommand.Run, Commands.OpCommand.Summary),
        ["filter"] = (Commands.FilterCommand.Run, Commands.FilterCommand.Summary),
        ["devices"] = (Commands.DevicesCommand.Run, Commands.DevicesCommand.Summary),
        ["run"] = (Commands.RunCommand.Run, Commands.RunCommand.Summary),
        ["describe"] = (Commands.DescribeCommand.Run, Commands.DescribeCommand.Summary),
        ["bench"] = (Commands.BenchCommand.Run, Commands.BenchCommand.Summary),
        ["demo"] = (Commands.DemoCommand.Run, Commands.DemoCommand.Summary),
        ["fit"] = (Commands.FitCommand.Run, Commands.FitCommand.Summary),
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage());
            return args.Length == 0 ? ExitUsage : 0;
        }
        if (args[0] is "--version" or "version")
        {
            Console.Out.WriteLine($"convstream {typeof(CliApp).Assembly.GetName().Version}");
            return 0;
        }
        if (!Verbs.TryGetValue(args[0], out var verb))
        {
            Console.Error.WriteLine($"convstream: unknown command '{args[0]}'; expected one of {string.Join(", ", Verbs.Keys)} (convstream --help)");
            return ExitUsage;
        }
        try
        {
            return verb.Run(args[1..]);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"convstream {args[0]}: {e.Message}");
            return ExitUsage;
        }
        catch (ConvStreamException e)
        {
            Console.Error.WriteLine($"convstream {args[0]}: {e.Message}");
            return ExitBadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"convstream {args[0]}: interrupted");
            return ExitInterrupted;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("CONVSTREAM_DEBUG") is null)
        {
            Console.Error.WriteLine($"convstream {args[0]}: internal error: {e.GetType().Name}: {e.Message} (set CONVSTREAM_DEBUG=1 for the stack trace)");
            return ExitInternal;
        }
    }

    public static string Usage()
    {
        var lines = new List<string> { "usage: convstream COMMAND [options]", "", "commands:" };
        foreach (var (name, (_, summary)) in Verbs) lines.Add($"  {name,-10} {summary}");
        lines.Add("");
        lines.Add("convstream COMMAND --help shows a command's options.");
        return string.Join(Environment.NewLine, lines);
    }
}
