using ConvStream.Engine;
using ConvStream.Engine.Geometry;

namespace ConvStream.Cli;

/// <summary>
/// A small, strict command-line reader: <c>--name value</c>, <c>--name=value</c>, flags, repeatable
/// options and positionals. Whatever the command did not ask for is an error that names it, so a
/// typo never passes silently.
/// </summary>
public sealed class ArgReader
{
    private readonly string _command;
    private readonly List<(string Name, string? Value)> _options = new();
    private readonly List<string> _positionals = new();
    private readonly HashSet<int> _usedOptions = new();
    private int _usedPositionals;

    /// <param name="args">The arguments after the verb.</param>
    /// <param name="command">The command's name, for messages ("op conv2d").</param>
    /// <param name="flags">Options that take no value.</param>
    public ArgReader(string[] args, string command, params string[] flags)
    {
        _command = command;
        var flagSet = new HashSet<string>(flags) { "--help", "-h" };
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal) || (a == "-h"))
            {
                int eq = a.IndexOf('=');
                if (eq > 0) { _options.Add((a[..eq], a[(eq + 1)..])); continue; }
                if (flagSet.Contains(a)) { _options.Add((a, null)); continue; }
                if (i + 1 >= args.Length) throw new UsageException($"option {a} needs a value");
                _options.Add((a, args[++i]));
            }
            else
            {
                _positionals.Add(a);
            }
        }
    }

    public bool HelpRequested => _options.Any(o => o.Name is "--help" or "-h");

    public bool Flag(string name)
    {
        bool found = false;
        for (int i = 0; i < _options.Count; i++)
            if (_options[i].Name == name)
            {
                if (_options[i].Value is not null) throw new UsageException($"option {name} takes no value");
                _usedOptions.Add(i);
                found = true;
            }
        return found;
    }

    public string? Optional(string name)
    {
        string? value = null;
        for (int i = 0; i < _options.Count; i++)
            if (_options[i].Name == name)
            {
                if (value is not null) throw new UsageException($"option {name} is given twice");
                _usedOptions.Add(i);
                value = _options[i].Value ?? throw new UsageException($"option {name} needs a value");
            }
        return value;
    }

    public string Required(string name)
        => Optional(name) ?? throw new UsageException($"{_command} needs {name}");

    public IReadOnlyList<string> All(string name)
    {
        var list = new List<string>();
        for (int i = 0; i < _options.Count; i++)
            if (_options[i].Name == name)
            {
                _usedOptions.Add(i);
                list.Add(_options[i].Value ?? throw new UsageException($"option {name} needs a value"));
            }
        return list;
    }

    public int Int(string name, int fallback)
    {
        string? s = Optional(name);
        if (s is null) return fallback;
        return int.TryParse(s, out int v) ? v : throw new UsageException($"option {name} '{s}' is not an integer");
    }

    public double Double(string name, double fallback)
    {
        string? s = Optional(name);
        if (s is null) return fallback;
        return double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v)
            ? v : throw new UsageException($"option {name} '{s}' is not a number");
    }

    public Size2 Pair(string name, Size2 fallback)
    {
        string? s = Optional(name);
        if (s is null) return fallback;
        try { return Size2.Parse(s, name); }
        catch (ConvStreamException e) { throw new UsageException(e.Message, e); }
    }

    public string Positional(string what)
    {
        if (_usedPositionals >= _positionals.Count) throw new UsageException($"{_command} needs {what}");
        return _positionals[_usedPositionals++];
    }

    public string? OptionalPositional()
        => _usedPositionals < _positionals.Count ? _positionals[_usedPositionals++] : null;

    /// <summary>Fails on any option or argument the command did not read.</summary>
    public void EnsureAllUsed()
    {
        for (int i = 0; i < _options.Count; i++)
            if (!_usedOptions.Contains(i) && _options[i].Name is not ("--help" or "-h"))
                throw new UsageException($"unknown option {_options[i].Name} for {_command}");
        if (_usedPositionals < _positionals.Count)
            throw new UsageException($"unexpected argument '{_positionals[_usedPositionals]}' for {_command}");
    }
}
