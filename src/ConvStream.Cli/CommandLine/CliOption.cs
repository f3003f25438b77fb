using System.CommandLine;

namespace ConvStream.Cli.CommandLine;

/// <summary>
/// The three kinds of option every command uses. Values are read as text and parsed by the
/// command that owns them, so a bad value's message names the option, the value and the rule
/// (<c>option --frames 'x' must be a positive integer</c>), and a value that parses but is out of
/// range stays bad input (exit 1) where it always was. A default that is not a literal
/// (<c>CONVSTREAM_THREADS or all</c>) is written into the description as the help writes the others.
/// </summary>
internal static class CliOption
{
    /// <summary><c>--name VALUE</c>; <paramref name="defaultValue"/> is what an absent option reads as (and what the help shows).</summary>
    public static Option<string> Value(string name, string valueName, string description,
        string? defaultValue = null, string? defaultText = null, bool required = false, IEnumerable<string>? completions = null)
    {
        var option = new Option<string>(name)
        {
            HelpName = valueName,
            Description = defaultText is null ? description : $"{description} [default: {defaultText}]",
            Required = required,
        };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        if (completions is not null) option.CompletionSources.Add(_ => completions);
        return option;
    }

    /// <summary><c>--name VALUE</c>, repeatable: every occurrence in order (<c>--stage a --stage b</c>).</summary>
    public static Option<string[]> Repeated(string name, string valueName, string description, IEnumerable<string>? completions = null)
    {
        var option = new Option<string[]>(name)
        {
            HelpName = valueName,
            Description = description,
            // One value per occurrence: --stage gray IN OUT must leave IN and OUT to the positionals.
            AllowMultipleArgumentsPerToken = false,
        };
        if (completions is not null) option.CompletionSources.Add(_ => completions);
        return option;
    }

    /// <summary>A flag: present or not.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>
    /// A positional argument; <paramref name="what"/> completes "COMMAND needs …" when it is missing
    /// (<c>filter needs an input image IN</c>).
    /// </summary>
    public static Argument<string> Positional(string name, string what, string description, bool optional = false)
    {
        var argument = new Argument<string>(name)
        {
            // The help shows <SHELL>, not the completions offered for it.
            HelpName = name,
            Description = description,
            Arity = optional ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
        };
        Needs[argument] = what;
        return argument;
    }

    /// <summary>What a missing positional is called in the error line.</summary>
    public static string Need(Argument argument) => Needs.TryGetValue(argument, out var what) ? what : argument.Name;

    private static readonly Dictionary<Argument, string> Needs = new();
}
