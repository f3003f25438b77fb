using System.Text.Json;
using ConvStream.Engine;
using ConvStream.Engine.Io;
using ConvStream.Engine.Tensors;

namespace ConvStream.Pipeline.Stages;

/// <summary>
/// Multi-channel kernels for the tensor stages: a <c>.npy</c> array of rank 4 (PyTorch's weight
/// layout) or a JSON file <c>{"weights": [[[[...]]]], "bias": [...]}</c> with the same nesting,
/// readable and diffable for small hand-made kernels. A separate bias file (<c>.npy</c>, rank 1) may
/// override or supply the bias. conv3d's kernels have rank 5 (a time axis after the in channels).
/// </summary>
public static class KernelFile
{
    public static (Tensor Weights, Tensor? Bias) Load(string path, string context, int rank = 4)
    {
        if (!File.Exists(path)) throw new ConvStreamException($"{context}: kernel file {path} not found");
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            Tensor w;
            try { w = Npy.ReadTensor(path); }
            catch (ConvStreamException e) { throw new ConvStreamException($"{context}: {e.Message}"); }
            if (w.Rank != rank) throw new ConvStreamException($"{context}: kernel {path} has shape {w.ShapeText}; expected {rank} dimensions {Axes(rank)}");
            return (w, null);
        }
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return LoadJson(path, context, rank);
        throw new ConvStreamException($"{context}: kernel file {path} is neither .npy nor .json");
    }

    public static Tensor LoadBias(string path, string context, int outChannels)
    {
        if (!File.Exists(path)) throw new ConvStreamException($"{context}: bias file {path} not found");
        Tensor b;
        try { b = Npy.ReadTensor(path); }
        catch (ConvStreamException e) { throw new ConvStreamException($"{context}: {e.Message}"); }
        if (b.Rank != 1 || b.Dim(0) != outChannels)
            throw new ConvStreamException($"{context}: bias {path} has shape {b.ShapeText} but the kernel has {outChannels} output channels; expected ({outChannels})");
        return b;
    }

    private static string Axes(int rank) => rank == 5
        ? "(out channels, in channels, frames, height, width)"
        : "(out channels, in channels, height, width)";

    private static (Tensor, Tensor?) LoadJson(string path, string context, int rank)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new ConvStreamException($"{context}: kernel file {path} is not valid JSON (line {(e.LineNumber ?? 0) + 1})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("weights", out var we))
                throw new ConvStreamException($"{context}: kernel file {path} needs an object with 'weights' (out × in × {(rank == 5 ? "frames × " : "")}height × width numbers)");
            var shape = new List<int>();
            var values = new List<float>();
            Flatten(we, 0, shape, values, path, context);
            if (shape.Count != rank) throw new ConvStreamException($"{context}: kernel file {path}: 'weights' has {shape.Count} levels of nesting; expected {rank} {Axes(rank)}");
            var w = new Tensor(values.ToArray(), shape.ToArray());
            Tensor? bias = null;
            if (root.TryGetProperty("bias", out var be))
            {
                if (be.ValueKind != JsonValueKind.Array || be.GetArrayLength() != shape[0] || be.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number))
                    throw new ConvStreamException($"{context}: kernel file {path}: 'bias' must be a list of {shape[0]} numbers (one per output channel)");
                bias = new Tensor(be.EnumerateArray().Select(x => x.GetSingle()).ToArray(), shape[0]);
            }
            return (w, bias);
        }
    }

    private static void Flatten(JsonElement e, int level, List<int> shape, List<float> values, string path, string context)
    {
        if (level == 0)
        {
            // The shape is read from the first element at each level; every other list must match it.
            for (var cur = e; cur.ValueKind == JsonValueKind.Array; cur = cur[0])
            {
                if (cur.GetArrayLength() == 0) throw new ConvStreamException($"{context}: kernel file {path}: 'weights' has an empty list");
                shape.Add(cur.GetArrayLength());
            }
        }
        if (level == shape.Count)
        {
            if (e.ValueKind != JsonValueKind.Number) throw Ragged(path, context);
            values.Add(e.GetSingle());
            return;
        }
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != shape[level]) throw Ragged(path, context);
        foreach (var x in e.EnumerateArray()) Flatten(x, level + 1, shape, values, path, context);
    }

    private static ConvStreamException Ragged(string path, string context)
        => new($"{context}: kernel file {path}: 'weights' is ragged; every list at one level must have the same length");
}
