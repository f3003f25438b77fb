using System.Globalization;
using System.Text.Json;
using ConvStream.Engine;

namespace ConvStream.Pipeline.Files;

/// <summary>
/// Reads pipeline files (JSON; <c>//</c> and <c>/* */</c> comments and trailing commas allowed)
/// into a <see cref="PipelineDefinition"/>, checking their form: every key known, every value of
/// the right type, stage names unique, inputs naming stages that exist, outputs of a known kind
/// and a valid schedule. Errors are one line naming the file, the stage or output, and the field.
/// Whether the ops fit together (channels, depths, sizes) is checked by planning.
/// </summary>
public static class PipelineFile
{
    /// <summary>The input name every pipeline's first stage can read.</summary>
    public const string SourceName = "source";

    /// <summary>
    /// The most stages a pipeline may have. Each stage runs on its own thread with its own queues
    /// and frame buffers, so a thousand is already far past any useful pipeline; the limit refuses
    /// generated or hostile files before they cost memory.
    /// </summary>
    public const int MaxStages = 1000;

    private static readonly string[] TopKeys = ["description", "source", "stages", "outputs", "schedule"];
    private static readonly string[] StageReserved = ["name", "op", "input"];
    private static readonly string[] OutputKeys = ["name", "kind", "stage", "stages", "path", "overlay"];
    private static readonly string[] ScheduleKeys = ["mode", "capacity", "drop", "threads", "band-height"];
    private static readonly string[] OutputKinds = ["file", "images", "preview", "mosaic", "null", "window"];

    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static PipelineDefinition Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (FileNotFoundException e) { throw new ConvStreamException($"{path}: pipeline file not found", e); }
        catch (DirectoryNotFoundException e) { throw new ConvStreamException($"{path}: pipeline file not found", e); }
        catch (IOException e) { throw new ConvStreamException($"{path}: cannot read ({e.Message})", e); }
        catch (UnauthorizedAccessException e) { throw new ConvStreamException($"{path}: permission denied", e); }
        string full = Path.GetFullPath(path);
        return Parse(text, full, Path.GetDirectoryName(full) ?? ".");
    }

    /// <summary>Parses pipeline JSON; <paramref name="filePath"/> names it in errors, <paramref name="baseDirectory"/> resolves kernel files.</summary>
    public static PipelineDefinition Parse(string json, string filePath, string baseDirectory)
    {
        string file = Path.GetFileName(filePath);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, Options); }
        catch (JsonException e)
        {
            throw new ConvStreamException($"{file}: not valid JSON at line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}: {FirstSentence(e.Message)}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ConvStreamException($"{file}: expected a JSON object with source, stages, outputs and schedule");
            CheckKeys(root, TopKeys, file);

            string? description = root.TryGetProperty("description", out var d) ? Text(d, $"{file}: description") : null;
            SourceDefinition? source = root.TryGetProperty("source", out var s) ? ParseSource(s, file) : null;
            var stages = ParseStages(root, file);
            var outputs = ParseOutputs(root, file, stages);
            var schedule = root.TryGetProperty("schedule", out var sc) ? ParseSchedule(sc, file) : ScheduleDefinition.For(ScheduleMode.Offline);
            return new PipelineDefinition
            {
                FilePath = filePath,
                BaseDirectory = baseDirectory,
                Description = description,
                Source = source,
                Stages = stages,
                Outputs = outputs,
                Schedule = schedule,
            };
        }
    }

    private static SourceDefinition ParseSource(JsonElement e, string file)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            string t = e.GetString()!.Trim();
            if (t.Length == 0) throw new ConvStreamException($"{file}: source: must not be empty; expected a file path, webcam[:N] or test[:WxH@FPS]");
            return new SourceDefinition(t, new Dictionary<string, string>());
        }
        if (e.ValueKind == JsonValueKind.Object)
        {
            string? input = null;
            var opts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in e.EnumerateObject())
            {
                if (p.NameEquals("input")) input = Text(p.Value, $"{file}: source: input");
                else opts[p.Name] = Scalar(p.Value, $"{file}: source: key '{p.Name}'");
            }
            if (string.IsNullOrWhiteSpace(input)) throw new ConvStreamException($"{file}: source: key 'input' is required (a file path, webcam[:N] or test[:WxH@FPS])");
            return new SourceDefinition(input.Trim(), opts);
        }
        throw new ConvStreamException($"{file}: source: expected a string (file path, webcam[:N], test[:WxH@FPS]) or an object with 'input'");
    }

    private static List<StageDefinition> ParseStages(JsonElement root, string file)
    {
        if (!root.TryGetProperty("stages", out var arr)) throw new ConvStreamException($"{file}: 'stages' is required (a list of stages)");
        if (arr.ValueKind != JsonValueKind.Array) throw new ConvStreamException($"{file}: 'stages' must be a list");
        if (arr.GetArrayLength() > MaxStages)
            throw new ConvStreamException($"{file}: 'stages' has {arr.GetArrayLength()} stages; the limit is {MaxStages} (each stage runs on its own thread)");
        var stages = new List<StageDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var e in arr.EnumerateArray())
        {
            i++;
            string where = $"{file}: stage #{i}";
            if (e.ValueKind != JsonValueKind.Object) throw new ConvStreamException($"{where}: expected an object with name, op and input");
            string name = e.TryGetProperty("name", out var n) ? Text(n, $"{where}: name") : throw new ConvStreamException($"{where}: key 'name' is required");
            CheckName(name, $"{where}: name");
            where = $"{file}: stage '{name}'";
            if (name == SourceName) throw new ConvStreamException($"{where}: the name '{SourceName}' is reserved for the pipeline's source");
            if (!names.Add(name)) throw new ConvStreamException($"{where}: name is used by another stage");
            string op = e.TryGetProperty("op", out var o) ? Text(o, $"{where}: op").Trim().ToLowerInvariant() : throw new ConvStreamException($"{where}: key 'op' is required");
            IReadOnlyList<string> inputs;
            if (e.TryGetProperty("input", out var inp)) inputs = Names(inp, $"{where}: input");
            else inputs = [stages.Count == 0 ? SourceName : stages[^1].Name];
            var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in e.EnumerateObject())
            {
                if (StageReserved.Contains(p.Name)) continue;
                keys[p.Name.ToLowerInvariant()] = Scalar(p.Value, $"{where}: key '{p.Name}'");
            }
            stages.Add(new StageDefinition(name, op, inputs, keys));
        }
        if (stages.Count == 0) throw new ConvStreamException($"{file}: 'stages' is empty; a pipeline needs at least one stage");
        foreach (var st in stages)
            foreach (var input in st.Inputs)
                if (input != SourceName && !names.Contains(input))
                    throw new ConvStreamException($"{file}: stage '{st.Name}': input '{input}' is not a stage; expected '{SourceName}' or one of {string.Join(", ", stages.Select(x => x.Name))}");
        CheckAcyclic(stages, file);
        return stages;
    }

    private static void CheckAcyclic(List<StageDefinition> stages, string file)
    {
        var byName = stages.ToDictionary(s => s.Name);
        var state = new Dictionary<string, int>();   // 1 = on the path being walked, 2 = done
        var path = new List<string>();
        void Visit(StageDefinition s)
        {
            state[s.Name] = 1;
            path.Add(s.Name);
            foreach (var input in s.Inputs)
            {
                if (input == SourceName) continue;
                int st = state.GetValueOrDefault(input);
                if (st == 1)
                {
                    var cycle = path.Skip(path.IndexOf(input)).Append(input);
                    throw new ConvStreamException($"{file}: stage '{input}': input cycle {string.Join(" → ", cycle)}; stages must form a graph without loops from the source");
                }
                if (st == 0) Visit(byName[input]);
            }
            path.RemoveAt(path.Count - 1);
            state[s.Name] = 2;
        }
        foreach (var s in stages)
            if (state.GetValueOrDefault(s.Name) == 0) Visit(s);
    }

    private static List<OutputDefinition> ParseOutputs(JsonElement root, string file, List<StageDefinition> stages)
    {
        var outputs = new List<OutputDefinition>();
        if (!root.TryGetProperty("outputs", out var arr)) return outputs;
        if (arr.ValueKind != JsonValueKind.Array) throw new ConvStreamException($"{file}: 'outputs' must be a list");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var stageNames = stages.Select(s => s.Name).Append(SourceName).ToHashSet();
        int i = 0;
        foreach (var e in arr.EnumerateArray())
        {
            i++;
            string where = $"{file}: output #{i}";
            if (e.ValueKind != JsonValueKind.Object) throw new ConvStreamException($"{where}: expected an object with kind and stage");
            string kindText = e.TryGetProperty("kind", out var k) ? Text(k, $"{where}: kind").Trim().ToLowerInvariant()
                : throw new ConvStreamException($"{where}: key 'kind' is required; expected one of {string.Join(", ", OutputKinds)}");
            var kind = kindText switch
            {
                "file" => OutputKind.File,
                "images" => OutputKind.Images,
                "preview" => OutputKind.Preview,
                "mosaic" => OutputKind.Mosaic,
                "null" => OutputKind.Null,
                "window" => OutputKind.Window,
                _ => throw new ConvStreamException($"{where}: unknown output kind '{kindText}'; expected one of {string.Join(", ", OutputKinds)}"),
            };
            // Only windows read an option of their own (overlay): a misspelt key must not pass silently.
            CheckKeys(e, OutputKeys, where);
            var opts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (e.TryGetProperty("overlay", out var ov))
            {
                if (kind != OutputKind.Window) throw new ConvStreamException($"{where}: key 'overlay' applies to window outputs only");
                if (ov.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw new ConvStreamException($"{where}: overlay must be true or false");
                opts["overlay"] = ov.ValueKind == JsonValueKind.True ? "true" : "false";
            }
            IReadOnlyList<string> from;
            bool hasStage = e.TryGetProperty("stage", out var st), hasStages = e.TryGetProperty("stages", out var sts);
            if (hasStage && hasStages) throw new ConvStreamException($"{where}: give 'stage' or 'stages', not both");
            if (hasStage) from = Names(st, $"{where}: stage");
            else if (hasStages) from = Names(sts, $"{where}: stages");
            else throw new ConvStreamException($"{where}: key 'stage' is required (the stage whose frames it receives)");
            if (kind != OutputKind.Mosaic && from.Count != 1)
                throw new ConvStreamException($"{where}: a {kindText} output reads one stage but {from.Count} are given; use kind 'mosaic' to show several together");
            foreach (var f in from)
                if (!stageNames.Contains(f))
                    throw new ConvStreamException($"{where}: stage '{f}' does not exist; expected '{SourceName}' or one of {string.Join(", ", stages.Select(x => x.Name))}");
            string? path = e.TryGetProperty("path", out var pth) ? Text(pth, $"{where}: path") : null;
            if (path is not null && (path.Length == 0 || Path.IsPathRooted(path)))
                throw new ConvStreamException($"{where}: path '{path}' must be a relative path (it is placed in the --output folder)");
            if (kind == OutputKind.Window && path is not null)
                throw new ConvStreamException($"{where}: a window output has no path (press s in the window to save PNGs)");
            if (kind is OutputKind.File or OutputKind.Images && path is null)
                throw new ConvStreamException($"{where}: a {kindText} output needs 'path' (relative to the --output folder)");
            string name = e.TryGetProperty("name", out var nm) ? Text(nm, $"{where}: name") : (path ?? $"{kindText}:{string.Join("+", from)}");
            if (!names.Add(name)) throw new ConvStreamException($"{where}: output name '{name}' is used twice");
            outputs.Add(new OutputDefinition(name, kind, from, path, opts));
        }
        var paths = outputs.Where(o => o.Path is not null).GroupBy(o => o.Path!, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (paths is not null) throw new ConvStreamException($"{file}: outputs '{string.Join("', '", paths.Select(o => o.Name))}' write the same path '{paths.Key}'");
        return outputs;
    }

    private static ScheduleDefinition ParseSchedule(JsonElement e, string file)
    {
        string where = $"{file}: schedule";
        if (e.ValueKind != JsonValueKind.Object) throw new ConvStreamException($"{where}: expected an object with mode, capacity, drop, threads, band-height");
        CheckKeys(e, ScheduleKeys, where);
        var mode = ScheduleMode.Offline;
        if (e.TryGetProperty("mode", out var m))
            mode = Text(m, $"{where}: mode").Trim().ToLowerInvariant() switch
            {
                "live" => ScheduleMode.Live,
                "offline" => ScheduleMode.Offline,
                var t => throw new ConvStreamException($"{where}: mode '{t}' is not live or offline"),
            };
        var s = ScheduleDefinition.For(mode);
        if (e.TryGetProperty("capacity", out var c)) s = s with { Capacity = Int(c, $"{where}: capacity", 1, 1024) };
        if (e.TryGetProperty("drop", out var dr))
            s = s with
            {
                Drop = Text(dr, $"{where}: drop").Trim().ToLowerInvariant() switch
                {
                    "wait" or "none" => DropPolicy.Wait,
                    "drop-oldest" or "oldest" => DropPolicy.DropOldest,
                    var t => throw new ConvStreamException($"{where}: drop '{t}' is not wait or drop-oldest"),
                },
            };
        if (e.TryGetProperty("threads", out var th)) s = s with { Threads = Int(th, $"{where}: threads", 1, 256) };
        if (e.TryGetProperty("band-height", out var bh)) s = s with { BandHeight = Int(bh, $"{where}: band-height", 0, 65536) };
        Validate(s, where);
        return s;
    }

    /// <summary>Checks a schedule's combination of settings (also after the command line overrode them).</summary>
    public static void Validate(ScheduleDefinition s, string where)
    {
        if (s.Mode == ScheduleMode.Offline && s.Drop != DropPolicy.Wait)
            throw new ConvStreamException($"{where}: drop '{Kebab(s.Drop)}' contradicts mode 'offline', which loses no frame; use drop 'wait' or mode 'live'");
        if (s.Capacity < 1) throw new ConvStreamException($"{where}: capacity {s.Capacity} must be at least 1");
        if (s.Threads < 1) throw new ConvStreamException($"{where}: threads {s.Threads} must be at least 1");
    }

    private static string Kebab(DropPolicy d) => d == DropPolicy.DropOldest ? "drop-oldest" : "wait";

    private static void CheckKeys(JsonElement obj, string[] allowed, string where)
    {
        foreach (var p in obj.EnumerateObject())
            if (!allowed.Contains(p.Name))
                throw new ConvStreamException($"{where}: unknown key '{p.Name}'; expected {string.Join(", ", allowed)}");
    }

    private static void CheckName(string name, string where)
    {
        if (name.Length == 0 || name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')))
            throw new ConvStreamException($"{where}: '{name}' must be letters, digits, '-', '_' or '.'");
    }

    private static string Text(JsonElement e, string where)
        => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new ConvStreamException($"{where}: expected a string but found {Kind(e)}");

    private static IReadOnlyList<string> Names(JsonElement e, string where)
    {
        if (e.ValueKind == JsonValueKind.String) return [e.GetString()!];
        if (e.ValueKind == JsonValueKind.Array)
        {
            var list = e.EnumerateArray().Select(x => Text(x, where)).ToList();
            if (list.Count == 0) throw new ConvStreamException($"{where}: the list is empty");
            if (list.Distinct().Count() != list.Count) throw new ConvStreamException($"{where}: a stage is named twice");
            return list;
        }
        throw new ConvStreamException($"{where}: expected a stage name or a list of stage names but found {Kind(e)}");
    }

    /// <summary>An op key's value as the <c>OP:key=value</c> text would hold it.</summary>
    private static string Scalar(JsonElement e, string where) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array when e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number) && e.GetArrayLength() > 0
            => string.Join(";", e.EnumerateArray().Select(x => x.GetRawText())),
        _ => throw new ConvStreamException($"{where}: expected a string, number, boolean or list of numbers but found {Kind(e)}"),
    };

    private static int Int(JsonElement e, string where, int min, int max)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int v))
            throw new ConvStreamException($"{where}: expected an integer but found {(e.ValueKind == JsonValueKind.Number ? e.GetRawText() : Kind(e))}");
        if (v < min || v > max) throw new ConvStreamException($"{where}: {v} is outside {min}..{max}");
        return v;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the string '{e.GetString()}'",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {e.GetRawText()}",
        _ => "null",
    };

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends " LineNumber: … | BytePositionInLine: …" or " Path: …"; the position is already in our message.
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    internal static string Invariant(double v) => v.ToString(CultureInfo.InvariantCulture);
}
