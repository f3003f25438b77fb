using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Io;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;

namespace ConvStream.Web.Control;

/// <summary>
/// The running pipeline as the browser edits it: the pipeline file's JSON with every accepted
/// change applied, and the definition in force. A change is validated exactly as the file is: the
/// edited JSON goes through <see cref="PipelineFile.Parse"/>, then the running pipeline replans the
/// stage (<see cref="IStageControl.ChangeAsync"/>), so the messages are the file's own. A change that
/// alters the frame format the later stages and outputs were planned for is refused; an accepted
/// one is planned and warmed up off the frame path, then swapped in between two frames. One change
/// at a time.
/// </summary>
internal sealed class LivePipeline
{
    private static readonly string[] Fixed = ["name", "op", "input"];
    private static readonly JsonDocumentOptions FileOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly PipelinePlan _plan;
    private readonly IStageControl _control;
    private readonly KernelPaths _paths;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private JsonObject _document;
    private PipelineDefinition _definition;

    public LivePipeline(PipelinePlan plan, IStageControl control)
    {
        _plan = plan;
        _control = control;
        _definition = plan.Definition;
        _paths = new KernelPaths(_definition.BaseDirectory);
        string text;
        try { text = File.ReadAllText(_definition.FilePath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConvStreamException($"{_definition.FilePath}: cannot read the pipeline file for the web view ({e.Message})", e);
        }
        _document = JsonNode.Parse(text, documentOptions: FileOptions)?.AsObject()
            ?? throw new ConvStreamException($"{_definition.FileName}: expected a JSON object");
    }

    public PipelineDefinition Definition => Volatile.Read(ref _definition);
    public string FileName => _plan.Definition.FileName;

    public StageDefinition? Stage(string name) => Definition.Stages.FirstOrDefault(s => s.Name == name);

    public IReadOnlyDictionary<string, string?> ParamsOf(string stage) => _control.ParamsOf(stage);

    /// <summary>Applies <paramref name="changes"/> (key → JSON value; null = back to the op's default) to stage <paramref name="name"/>.</summary>
    /// <returns>The stage's params in force afterwards.</returns>
    /// <exception cref="ConvStreamException">The one-line reason it was refused; nothing changed.</exception>
    public async Task<IReadOnlyDictionary<string, string?>> ChangeAsync(string name, JsonObject changes, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var running = Definition;
            string context = $"{FileName}: stage '{name}'";
            var document = _document.DeepClone().AsObject();
            var stage = FindStage(document, name) ?? throw new ConvStreamException($"{FileName}: no stage '{name}'");
            foreach (var (rawKey, value) in changes)
            {
                string key = rawKey.Trim().ToLowerInvariant();
                if (Fixed.Contains(key))
                    throw new ConvStreamException($"{context}: key '{key}' cannot change while the pipeline runs; only the op's parameters can");
                if (value is JsonValue v && v.TryGetValue(out string? s)) _paths.Check(context, key, s);
                foreach (var existing in stage.Select(p => p.Key).Where(k => k.Equals(key, StringComparison.OrdinalIgnoreCase)).ToList())
                    stage.Remove(existing);
                if (value is not null) stage[key] = value.DeepClone();
            }

            // The edited file's own form checks and messages (types, lists); then the stage's keys as text.
            var parsed = PipelineFile.Parse(document.ToJsonString(), running.FilePath, running.BaseDirectory);
            var before = running.Stages.First(p => p.Name == name);
            var after = parsed.Stages.First(p => p.Name == name);
            var keys = new Dictionary<string, string>(after.Keys, StringComparer.OrdinalIgnoreCase);
            foreach (var k in before.Keys.Keys)
                if (!keys.ContainsKey(k)) keys[k] = "";   // removed: the op's default applies
            // Planned with the file's checks (same messages), a change of output format refused, swapped between two frames.
            await _control.ChangeAsync(name, keys, cancellationToken).ConfigureAwait(false);
            _document = document;
            Volatile.Write(ref _definition, running with { Stages = running.Stages.Select(p => p.Name == name ? after : p).ToList() });
            return _control.ParamsOf(name);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Writes the edited pipeline as <paramref name="fileName"/> (a plain name ending in .json) in the
    /// original's folder. An existing file, and the original above all, is replaced only with
    /// <paramref name="overwrite"/>. Comments of the original are not kept.
    /// </summary>
    public async Task<string> SaveAsync(string fileName, bool overwrite, CancellationToken cancellationToken)
    {
        if (fileName.Length == 0 || fileName != Path.GetFileName(fileName) || fileName.StartsWith('.') || !fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            throw new ConvStreamException($"save: '{fileName}' must be a plain file name ending in .json (it is written next to {FileName})");
        string path = Path.Combine(Path.GetDirectoryName(Definition.FilePath)!, fileName);
        if (File.Exists(path) && !overwrite)
            throw new FileExistsException(path.Equals(Definition.FilePath, StringComparison.Ordinal)
                ? $"save: {fileName} is the pipeline file itself; confirm to overwrite it"
                : $"save: {fileName} exists; confirm to overwrite it");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string json = _document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            string header = $"// Saved by the convstream web view from {FileName} with the parameters changed while it ran ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC).\n";
            AtomicFile.Write(path, stream =>
            {
                using var w = new StreamWriter(stream);
                w.Write(header);
                w.Write(json);
                w.Write('\n');
            });
            return path;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A key's value as JSON: numbers and booleans as such, everything else as the string the file holds.</summary>
    public static JsonNode? ValueNode(string? value)
    {
        if (value is null) return null;
        if (value is "true" or "false") return JsonValue.Create(value == "true");
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
            && d.ToString("R", CultureInfo.InvariantCulture) == value)
            return JsonValue.Create(d);
        return JsonValue.Create(value);
    }

    private static JsonObject? FindStage(JsonObject document, string name)
        => document["stages"] is JsonArray stages
            ? stages.OfType<JsonObject>().FirstOrDefault(s => s["name"] is JsonValue n && n.TryGetValue(out string? t) && t == name)
            : null;
}

/// <summary>A save that would replace a file without the user's say-so.</summary>
internal sealed class FileExistsException(string message) : ConvStreamException(message);
