using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Simd;

namespace ConvStream.Stages;

/// <summary>
/// A stage written as <c>OP[:key=value,...]</c> (the <c>convstream filter --stage</c> syntax and
/// the pipeline files' keys). Keys are read through typed getters; <see cref="EnsureAllUsed"/>
/// then rejects any key the op did not ask for, naming it and the keys that are valid.
/// </summary>
public sealed class StageSpec
{
    private readonly Dictionary<string, string> _keys;
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _asked = new();
    // Every key the op asked for → the value in force: the given text, else the op's default
    // (null where the op derives it from other keys). What a live view shows and edits.
    private readonly Dictionary<string, string?> _inForce = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="settings">What the op's plan will run with (SIMD level, threads, band height); <see cref="ExecutionSettings.Default"/> when null.</param>
    public StageSpec(string op, IReadOnlyDictionary<string, string> keys, string? baseDirectory = null, string? context = null, ExecutionSettings? settings = null)
    {
        Op = op;
        Settings = settings ?? ExecutionSettings.Default;
        _keys = new Dictionary<string, string>(keys, StringComparer.OrdinalIgnoreCase);
        BaseDirectory = baseDirectory ?? Directory.GetCurrentDirectory();
        Context = context ?? $"stage '{op}'";
    }

    public string Op { get; }
    /// <summary>Where relative file names in keys (kernel files) are resolved from.</summary>
    public string BaseDirectory { get; }
    /// <summary>How errors name this stage: "stage 'gaussian'" or "demo.json: stage 'blur'".</summary>
    public string Context { get; }
    public IReadOnlyDictionary<string, string> Keys => _keys;
    /// <summary>The keys the op has asked for so far, in order (after creating a stage: the keys it takes; tab completion lists them).</summary>
    public IReadOnlyList<string> AskedKeys => _asked;
    /// <summary>The execution settings the op's plan is built with.</summary>
    public ExecutionSettings Settings { get; }

    /// <summary>Parses <c>gaussian:size=5,sigma=1.5</c>. Values may not contain ',' (kernel anchors use X;Y).</summary>
    public static StageSpec Parse(string text, string? baseDirectory = null, ExecutionSettings? settings = null)
    {
        text = text.Trim();
        int colon = text.IndexOf(':');
        string op = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        if (op.Length == 0) throw new ConvStreamException($"stage '{text}' has no op name; expected OP[:key=value,...]");
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (colon >= 0)
        {
            foreach (var part in text[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int eq = part.IndexOf('=');
                if (eq <= 0) throw new ConvStreamException($"stage '{op}': '{part}' is not key=value");
                string key = part[..eq].Trim().ToLowerInvariant();
                if (!keys.TryAdd(key, part[(eq + 1)..].Trim()))
                    throw new ConvStreamException($"stage '{op}': key '{key}' is given twice");
            }
        }
        return new StageSpec(op, keys, baseDirectory, settings: settings);
    }

    /// <summary>
    /// Every key the op read, in the order it read them, with the value in force: the text given,
    /// else the op's default as text (null where the op derives it from other keys). Complete once
    /// the op has been created.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Values => _asked.Distinct(StringComparer.OrdinalIgnoreCase).ToDictionary(k => k, k => _inForce.GetValueOrDefault(k), StringComparer.OrdinalIgnoreCase);

    public bool Has(string key) { Ask(key, null); return _keys.ContainsKey(key); }

    public string? String(string key) => Read(key, null);

    /// <summary>Reads a key, noting it as asked with <paramref name="fallback"/> as its value in force when absent.</summary>
    private string? Read(string key, string? fallback)
    {
        Ask(key, fallback);
        if (!_keys.TryGetValue(key, out var v)) return null;
        _used.Add(key);
        return v;
    }

    private void Ask(string key, string? fallback)
    {
        _asked.Add(key);
        if (_keys.TryGetValue(key, out var given)) _inForce[key] = given;
        else if (fallback is not null || !_inForce.ContainsKey(key)) _inForce[key] = fallback;
    }

    private static string Format<T>(T value) => value switch
    {
        bool b => b ? "true" : "false",
        Enum e => e.ToString().ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };

    public string RequiredString(string key)
        => String(key) ?? throw new ConvStreamException($"{Context}: key '{key}' is required");

    public int Int(string key, int fallback)
    {
        string? s = Read(key, Format(fallback));
        if (s is null) return fallback;
        return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw new ConvStreamException($"{Context}: key '{key}' must be an integer but is '{s}'");
    }

    public int RequiredInt(string key)
    {
        if (!Has(key)) throw new ConvStreamException($"{Context}: key '{key}' is required");
        return Int(key, 0);
    }

    public double Double(string key, double fallback)
    {
        string? s = Read(key, Format(fallback));
        if (s is null) return fallback;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v
            : throw new ConvStreamException($"{Context}: key '{key}' must be a number but is '{s}'");
    }

    public bool Bool(string key, bool fallback)
    {
        string? s = Read(key, Format(fallback));
        if (s is null) return fallback;
        return s.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw new ConvStreamException($"{Context}: key '{key}' must be true or false but is '{s}'"),
        };
    }

    /// <summary>One of a fixed set of words, case-insensitive.</summary>
    public string Choice(string key, string fallback, params string[] allowed)
    {
        string? s = Read(key, fallback);
        if (s is null) return fallback;
        foreach (var a in allowed) if (string.Equals(a, s, StringComparison.OrdinalIgnoreCase)) return a;
        throw new ConvStreamException($"{Context}: key '{key}' must be one of {string.Join(", ", allowed)} but is '{s}'");
    }

    /// <summary>Wraps a parse error from a shared parser (border, depth) with this stage's context.</summary>
    public T Parse<T>(string key, T fallback, Func<string, T> parse)
    {
        string? s = Read(key, Format(fallback));
        if (s is null) return fallback;
        try { return parse(s); }
        catch (ConvStreamException e) { throw new ConvStreamException($"{Context}: key '{key}': {e.Message}", e); }
    }

    public string ResolvePath(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(BaseDirectory, path));

    public void EnsureAllUsed()
    {
        foreach (var k in _keys.Keys)
            if (!_used.Contains(k))
            {
                var valid = _asked.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
                throw new ConvStreamException(valid.Length == 0
                    ? $"{Context}: unknown key '{k}'; this op takes no keys"
                    : $"{Context}: unknown key '{k}'; expected {string.Join(", ", valid)}");
            }
    }
}
