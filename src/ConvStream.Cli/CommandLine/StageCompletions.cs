using System.CommandLine.Completions;
using ConvStream.Engine;
using ConvStream.Stages;

namespace ConvStream.Cli.CommandLine;

/// <summary>
/// Tab completion of a <c>--stage OP[:key=value,...]</c> value: op names first, then, after
/// <c>OP:</c>, the keys that op takes (learnt by creating the stage with no keys and seeing what it
/// asks for: an op that needs a key, as conv needs its kernel, stops at it).
/// </summary>
internal static class StageCompletions
{
    public static Func<CompletionContext, IEnumerable<CompletionItem>> For(IEnumerable<string> ops)
        => context => Complete(context.WordToComplete, ops);

    internal static IEnumerable<CompletionItem> Complete(string word, IEnumerable<string> ops)
    {
        int colon = word.IndexOf(':');
        if (colon < 0)
            return ops.Where(op => op.StartsWith(word, StringComparison.OrdinalIgnoreCase)).Select(op => new CompletionItem(op));
        string op = word[..colon];
        if (!ops.Contains(op, StringComparer.OrdinalIgnoreCase)) return [];
        int lastComma = word.LastIndexOf(',');
        string done = lastComma > colon ? word[..(lastComma + 1)] : word[..(colon + 1)];
        string partial = word[done.Length..];
        var given = word[(colon + 1)..done.Length].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return KeysOf(op)
            .Where(k => !given.Contains(k) && k.StartsWith(partial, StringComparison.OrdinalIgnoreCase))
            .Select(k => new CompletionItem(done + k + "="));
    }

    internal static IReadOnlyList<string> KeysOf(string op)
    {
        var spec = new StageSpec(op, new Dictionary<string, string>(), Directory.GetCurrentDirectory());
        try { StageRegistry.Create(spec); }
        catch (ConvStreamException) { /* a required key: the keys asked before it are still listed */ }
        return spec.AskedKeys.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
