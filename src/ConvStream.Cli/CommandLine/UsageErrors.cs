using System.CommandLine;
using System.CommandLine.Parsing;

namespace ConvStream.Cli.CommandLine;

/// <summary>
/// Turns what System.CommandLine found wrong with a command line into the one line ConvStream has
/// always printed (exit 2), in the order a person fixes them: a misspelt command or option (with
/// the nearest valid one), an option given twice or without its value, a required option or
/// argument missing, a stray argument; then anything else the parser reported, as it said it.
/// </summary>
internal static class UsageErrors
{
    /// <summary>The first problem of <paramref name="result"/>, or null when the command line is fine.</summary>
    public static string? First(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var children = result.CommandResult.Children;
        var optionValues = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        foreach (var option in children.OfType<OptionResult>())
            foreach (var token in option.Tokens) optionValues.Add(token);

        // A word where a sub-command was expected: "op conv4d", "convstream fitt".
        if (command.Subcommands.Count > 0 && result.UnmatchedTokens.FirstOrDefault() is string word && !LooksLikeOption(word))
            return UnknownSubcommand(command, word);

        bool afterDoubleDash = false;
        foreach (var token in result.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) afterDoubleDash = true;
            if (afterDoubleDash || token.Type != TokenType.Argument || optionValues.Contains(token) || !LooksLikeOption(token.Value)) continue;
            return $"unknown option {token.Value} for {command.Name}{DidYouMean(Nearest(token.Value, OptionNames(command)))}";
        }

        foreach (var option in children.OfType<OptionResult>())
        {
            if (option.Implicit) continue;
            if (option.IdentifierTokenCount > 1 && option.Option.Arity.MaximumNumberOfValues == 1 && option.Option.ValueType != typeof(bool))
                return $"option {option.Option.Name} is given twice";
            // A repeatable option takes one value per occurrence: "--stage gray --stage" lacks one too.
            bool valueMissing = option.Option.ValueType != typeof(bool) && option.Tokens.Count < option.IdentifierTokenCount;
            if (valueMissing || (option.Tokens.Count == 0 && option.Option.Arity.MinimumNumberOfValues > 0))
                return $"option {option.Option.Name} needs a value";
        }

        foreach (var option in command.Options)
            if (option.Required && result.GetResult(option) is not OptionResult { IdentifierTokenCount: > 0 })
                return $"{command.Name} needs {option.Name}";
        foreach (var argument in command.Arguments)
            if (argument.Arity.MinimumNumberOfValues > 0 && (result.GetResult(argument) is not ArgumentResult a || a.Tokens.Count == 0))
                return $"{command.Name} needs {CliOption.Need(argument)}";

        if (result.UnmatchedTokens.FirstOrDefault() is string extra)
            return $"unexpected argument '{extra}' for {command.Name}";
        if (command.Subcommands.Count > 0 && command.Action is null)
            return $"{command.Name} needs a {Kind(command)}";
        return result.Errors.Count > 0 ? result.Errors[0].Message : null;
    }

    /// <summary>"--strid" and "-x" are meant as options; "-1" and "-0.5,2" are values.</summary>
    private static bool LooksLikeOption(string text)
        => text.Length > 1 && text[0] == '-' && (char.IsLetter(text[1]) || (text[1] == '-' && text.Length > 2));

    private static string UnknownSubcommand(Command command, string word)
    {
        var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        string help = command is RootCommand ? "convstream --help" : $"convstream {command.Name} --help";
        string? near = Nearest(word, names);
        return $"unknown {Kind(command)} '{word}'; expected one of {string.Join(", ", names)}{DidYouMean(near is null ? null : $"'{near}'")} ({help})";
    }

    private static string Kind(Command command) => command is VerbCommand { SubcommandKind: string kind } ? kind : "command";

    private static IEnumerable<string> OptionNames(Command command)
        => command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));

    private static string DidYouMean(string? name) => name is null ? "" : $"; did you mean {name}?";

    /// <summary>The valid name closest to <paramref name="typed"/>, when it is close: an edit distance of at most a third of its length (at least 2).</summary>
    internal static string? Nearest(string typed, IEnumerable<string> valid)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string name in valid)
        {
            int d = EditDistance(typed, name);
            if (d < bestDistance) (best, bestDistance) = (name, d);
        }
        if (best is null) return null;
        int limit = Math.Max(2, best.TrimStart('-').Length / 3);
        return bestDistance <= limit ? best : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1.</summary>
    internal static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
