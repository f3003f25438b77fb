using System.Globalization;
using System.Text.Json;
using ConvStream.Engine;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Io;
using ConvStream.Engine.Tensors;

namespace ConvStream.Stages;

/// <summary>
/// The one kernel file format (<c>filters/kernels/*.json</c>, rules in <c>filters/README.md</c>),
/// read by every op that takes weights (<c>conv</c>, <c>conv2d</c>, <c>conv-transpose2d</c>):
/// <c>{"weights": [[…],…]}</c> for one KH×KW kernel, or <c>weights[Cout][Cin][KH][KW]</c> with
/// <c>bias[Cout]</c> for a multi-channel one; optional <c>mode</c>, <c>scale</c>, <c>bias</c>,
/// <c>anchor</c>, <c>name</c>, <c>description</c>; any other key is an error. conv3d's kernels are
/// <c>weights[Cout][Cin][KT][KH][KW]</c> (a time axis after the in channels). A <c>.npy</c> file
/// holds the weights alone (rank 2, 4 or 5). Every error names the file and the place inside it
/// ("sharpen.json: weights row 2 has 2 values but row 1 has 3").
/// </summary>
public sealed class KernelFile
{
    private static readonly string[] KnownKeys = ["weights", "mode", "scale", "bias", "anchor", "name", "description"];

    private KernelFile(string name, double[] weights, int[] shape,
                       string mode, double scale, double[] bias, bool hasBias, (int X, int Y)? anchor)
    {
        Name = name; Weights = weights; Rank = shape.Length;
        OutChannels = Rank >= 4 ? shape[0] : 1; InChannels = Rank >= 4 ? shape[1] : 1; KT = Rank == 5 ? shape[2] : 1;
        KH = shape[^2]; KW = shape[^1]; Mode = mode; Scale = scale; Bias = bias; HasBias = hasBias; Anchor = anchor;
    }

    /// <summary>The file's name as errors show it.</summary>
    public string Name { get; }
    /// <summary>(Cout, Cin, KH, KW) row-major; (1, 1, KH, KW) for a single 2-D kernel; (Cout, Cin, KT, KH, KW) for conv3d's.</summary>
    public double[] Weights { get; }
    public int OutChannels { get; }
    public int InChannels { get; }
    /// <summary>Frames the kernel spans in time: 1 except for conv3d's 5-D kernels.</summary>
    public int KT { get; }
    /// <summary>Whether the weights have a time axis (conv3d's kernels).</summary>
    public bool IsVolumetric => Rank == 5;
    /// <summary>How deep the weights are nested: 2 (one KH×KW kernel), 4 (Cout×Cin×KH×KW) or 5 (conv3d's Cout×Cin×KT×KH×KW).</summary>
    public int Rank { get; }
    public int KH { get; }
    public int KW { get; }
    /// <summary>Whether the file holds Cout×Cin kernels (nested 4 or 5 deep) rather than one 2-D kernel.</summary>
    public bool IsMultiChannel => Rank >= 4;
    /// <summary>"correlate" (the default, as filter2D) or "convolve" (kernel and anchor flipped).</summary>
    public string Mode { get; }
    public double Scale { get; }
    /// <summary>One value per output channel (one for a single 2-D kernel); zeros when the file has none.</summary>
    public double[] Bias { get; }
    /// <summary>Whether the file gives a bias.</summary>
    public bool HasBias { get; }
    /// <summary>(x, y) in the file's own (unflipped) coordinates; null = (KW/2, KH/2).</summary>
    public (int X, int Y)? Anchor { get; }

    /// <summary>Reads a <c>.npy</c> array (rank 2: one KH×KW kernel; rank 4: Cout×Cin×KH×KW) or, for any other name, a JSON kernel file.</summary>
    public static KernelFile Load(string path)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new ConvStreamException($"kernel file '{path}' not found");
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return FromNpy(path, name);
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ConvStreamException($"{name}: cannot read kernel file: {e.Message}", e); }
        return Parse(text, name);
    }

    public static KernelFile Parse(string json, string name)
    {
        JsonDocument doc;
        // Comments and trailing commas are allowed, as in pipeline files.
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e)
        { throw new ConvStreamException($"{name}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})", e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ConvStreamException($"{name}: expected a JSON object with \"weights\" but found {Kind(root)}");
            foreach (var p in root.EnumerateObject())
                if (Array.IndexOf(KnownKeys, p.Name) < 0)
                    throw new ConvStreamException($"{name}: unknown key \"{p.Name}\"; expected {string.Join(", ", KnownKeys)}");
            if (!root.TryGetProperty("weights", out var weights))
                throw new ConvStreamException($"{name}: \"weights\" is missing");

            var shape = ShapeOf(weights, name);
            bool multi = shape.Length >= 4;
            int cout = multi ? shape[0] : 1, kh = shape[^2], kw = shape[^1];
            var values = new List<double>();
            Collect(weights, shape, 0, values, name, "weights", shape.Length - 2);

            string mode = "correlate";
            if (root.TryGetProperty("mode", out var m))
            {
                string? s = m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                mode = s?.ToLowerInvariant() switch
                {
                    "correlate" or "correlation" => "correlate",
                    "convolve" or "convolution" => "convolve",
                    _ => throw new ConvStreamException($"{name}: \"mode\" must be \"correlate\" or \"convolve\" but is {m.GetRawText()}"),
                };
            }
            double scale = root.TryGetProperty("scale", out var sc) ? Number(sc, name, "\"scale\"") : 1.0;

            double[] bias = new double[cout];
            bool hasBias = root.TryGetProperty("bias", out var b);
            if (hasBias)
            {
                if (!multi)
                {
                    if (b.ValueKind == JsonValueKind.Array && b.GetArrayLength() == 1) b = b[0];
                    bias[0] = Number(b, name, "\"bias\"");
                }
                else
                {
                    if (b.ValueKind != JsonValueKind.Array)
                        throw new ConvStreamException($"{name}: \"bias\" must be an array of {cout} numbers (one per output channel) but is {Kind(b)}");
                    if (b.GetArrayLength() != cout)
                        throw new ConvStreamException($"{name}: \"bias\" has {b.GetArrayLength()} values but weights has {cout} output channels");
                    for (int i = 0; i < cout; i++) bias[i] = Number(b[i], name, $"bias[{i}]");
                }
            }

            (int, int)? anchor = null;
            if (root.TryGetProperty("anchor", out var a))
            {
                if (a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != 2)
                    throw new ConvStreamException($"{name}: \"anchor\" must be [x, y] but is {a.GetRawText()}");
                double ax = Number(a[0], name, "anchor x"), ay = Number(a[1], name, "anchor y");
                if (ax != Math.Floor(ax) || ay != Math.Floor(ay) || ax < 0 || ax >= kw || ay < 0 || ay >= kh)
                    throw new ConvStreamException($"{name}: \"anchor\" [{a[0].GetRawText()}, {a[1].GetRawText()}] must be whole numbers with 0 <= x < {kw} and 0 <= y < {kh}");
                anchor = ((int)ax, (int)ay);
            }
            foreach (var opt in new[] { "name", "description" })
                if (root.TryGetProperty(opt, out var t) && t.ValueKind != JsonValueKind.String)
                    throw new ConvStreamException($"{name}: \"{opt}\" must be a string but is {Kind(t)}");

            return new KernelFile(name, values.ToArray(), shape, mode, scale, bias, hasBias, anchor);
        }
    }

    private static KernelFile FromNpy(string path, string name)
    {
        Tensor t;
        try { t = Npy.ReadTensor(path); }
        catch (ConvStreamException e) { throw new ConvStreamException($"{name}: {e.Message}", e); }
        if (t.Rank is not (2 or 4 or 5))
            throw new ConvStreamException($"{name}: weights must be 2-D (KH, KW), 4-D (Cout, Cin, KH, KW) or 5-D (Cout, Cin, KT, KH, KW) but have shape {t.ShapeText}");
        int cout = t.Rank >= 4 ? t.Dim(0) : 1;
        var values = new double[t.Length];
        for (int i = 0; i < values.Length; i++) values[i] = t.Data[i];
        return new KernelFile(name, values, t.Shape.ToArray(), "correlate", 1.0, new double[cout], false, null);
    }

    /// <summary>
    /// The weights as a rank-4 tensor (the file's nesting, times its <c>scale</c>) and the bias (null
    /// when the file has none), for <paramref name="op"/> (<c>conv2d</c>: (Cout, Cin/groups, KH, KW);
    /// <c>conv-transpose2d</c>: (Cin, Cout/groups, KH, KW)). A 2-D kernel and <c>anchor</c> belong to
    /// <c>conv</c> and are refused; <c>mode: "convolve"</c> is for the caller to honour (conv2d's flip)
    /// or refuse.
    /// </summary>
    public (Tensor Weights, Tensor? Bias) ToTensors(string op)
    {
        int rank = op == "conv3d" ? 5 : 4;
        if (!IsMultiChannel)
            throw new ConvStreamException($"{Name}: {op} needs weights nested {rank} deep ({Axes(rank)}) but the file holds one {KH}x{KW} kernel (a 2-D kernel is for 'conv')");
        if (Rank != rank)
            throw new ConvStreamException($"{Name}: {op} needs weights nested {rank} deep ({Axes(rank)}) but they are nested {Rank} deep");
        if (Anchor is not null)
            throw new ConvStreamException($"{Name}: \"anchor\" is for 'conv'; {op} places its kernel by padding");
        var w = new float[Weights.Length];
        for (int i = 0; i < w.Length; i++)
        {
            double v = Weights[i] * Scale;
            if (!double.IsFinite((float)v)) throw new ConvStreamException($"{Name}: weight {Weights[i]} times scale {Scale} does not fit a float");
            w[i] = (float)v;
        }
        var weights = rank == 5 ? new Tensor(w, OutChannels, InChannels, KT, KH, KW) : new Tensor(w, OutChannels, InChannels, KH, KW);
        Tensor? bias = HasBias ? new Tensor(Bias.Select(v => (float)v).ToArray(), OutChannels) : null;
        return (weights, bias);
    }

    private static string Axes(int rank) => rank == 5
        ? "out channels, in channels, frames, height, width"
        : "out channels, in channels, height, width";

    /// <summary>A bias file: a rank-1 <c>.npy</c> of <paramref name="channels"/> values (the <c>bias=</c> key of conv2d and conv-transpose2d).</summary>
    public static Tensor LoadBias(string path, int channels)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new ConvStreamException($"bias file '{path}' not found");
        Tensor b;
        try { b = Npy.ReadTensor(path); }
        catch (ConvStreamException e) { throw new ConvStreamException($"{name}: {e.Message}", e); }
        if (b.Rank != 1 || b.Dim(0) != channels)
            throw new ConvStreamException($"{name}: bias has shape {b.ShapeText} but the kernel has {channels} output channels; expected ({channels})");
        return b;
    }

    /// <summary>
    /// The runnable kernel: weights × file scale × <paramref name="scale"/>, flipped with the anchor
    /// for <c>convolve</c>, <paramref name="delta"/> added to the bias.
    /// </summary>
    public Filter2DKernel ToKernel(string? mode, double scale, double delta, (int X, int Y)? anchor, BorderMode border)
    {
        if (IsVolumetric)
            throw new ConvStreamException($"{Name}: weights nested 5 deep (out channels, in channels, frames, height, width) are conv3d's; conv takes one KH x KW kernel or Cout x Cin kernels");
        bool convolve = (mode ?? Mode) == "convolve";
        var (ax, ay) = anchor ?? Anchor ?? (KW / 2, KH / 2);
        if ((uint)ax >= (uint)KW || (uint)ay >= (uint)KH)
            throw new ConvStreamException($"{Name}: anchor ({ax};{ay}) lies outside the {KW}x{KH} kernel");
        var w = new float[Weights.Length];
        int plane = KH * KW;
        for (int p = 0; p < Weights.Length; p += plane)
            for (int ky = 0; ky < KH; ky++)
                for (int kx = 0; kx < KW; kx++)
                {
                    int from = convolve ? (KH - 1 - ky) * KW + (KW - 1 - kx) : ky * KW + kx;
                    double v = Weights[p + from] * Scale * scale;
                    if (!double.IsFinite((float)v)) throw new ConvStreamException($"{Name}: weight {Weights[p + from]} times scale {Scale * scale} does not fit a float");
                    w[p + ky * KW + kx] = (float)v;
                }
        if (convolve) { ax = KW - 1 - ax; ay = KH - 1 - ay; }
        var bias = new float[OutChannels];
        for (int i = 0; i < bias.Length; i++) bias[i] = (float)(Bias[i] + delta);
        return new Filter2DKernel(w, OutChannels, InChannels, KH, KW, ax, ay, bias, perChannel: !IsMultiChannel, border);
    }

    // The shape comes from the first element at each depth; Collect then checks every other
    // element against it, so the error can say which row disagrees with which.
    private static int[] ShapeOf(JsonElement weights, string name)
    {
        var shape = new List<int>();
        var e = weights;
        string path = "weights";
        while (e.ValueKind == JsonValueKind.Array)
        {
            if (e.GetArrayLength() == 0) throw new ConvStreamException($"{name}: {path} is empty");
            shape.Add(e.GetArrayLength());
            e = e[0];
            path += "[0]";
        }
        if (shape.Count == 0)
            throw new ConvStreamException($"{name}: weights must be an array of rows [[...],...] but is {Kind(weights)}");
        if (e.ValueKind != JsonValueKind.Number)
            throw new ConvStreamException($"{name}: {path} is {Kind(e)}, not a number");
        if (shape.Count is not (2 or 4 or 5))
            throw new ConvStreamException($"{name}: weights must be nested 2 deep (KH x KW), 4 deep (Cout x Cin x KH x KW) or 5 deep (conv3d: Cout x Cin x KT x KH x KW) but is nested {shape.Count} deep");
        return shape.ToArray();
    }

    private static void Collect(JsonElement e, int[] shape, int level, List<double> values, string name, string path, int channelLevels)
    {
        int depth = shape.Length;
        if (level == depth)
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double v))
                throw new ConvStreamException($"{name}: {Describe(path, channelLevels)} is {Kind(e)}, not a number");
            values.Add(v);
            return;
        }
        if (e.ValueKind != JsonValueKind.Array)
            throw new ConvStreamException($"{name}: {Describe(path, channelLevels)} is {Kind(e)} but should be an array like {Describe(FirstPath(path), channelLevels)}");
        int len = e.GetArrayLength();
        if (len != shape[level])
        {
            string what = (depth - level, depth) switch { (1, _) => "values", (2, _) => "rows", (3, 5) => "frames", (3, _) or (4, 5) => "input channels", _ => "output channels" };
            string reference = Describe(FirstPath(path), channelLevels);
            if (channelLevels == 0 && reference.StartsWith("weights ", StringComparison.Ordinal)) reference = reference["weights ".Length..]; // "row 1"
            throw new ConvStreamException(len == 0
                ? $"{name}: {Describe(path, channelLevels)} is empty but {reference} has {shape[level]} {what}"
                : $"{name}: {Describe(path, channelLevels)} has {len} {what} but {reference} has {shape[level]}");
        }
        int i = 0;
        foreach (var child in e.EnumerateArray()) Collect(child, shape, level + 1, values, name, $"{path}[{i++}]", channelLevels);
    }

    /// <summary>The same position with every index set to 0 (the element the shape was taken from).</summary>
    private static string FirstPath(string path)
    {
        var sb = new System.Text.StringBuilder();
        bool inIndex = false;
        foreach (char ch in path)
        {
            if (ch == '[') { inIndex = true; sb.Append("[0"); continue; }
            if (ch == ']') { inIndex = false; sb.Append(']'); continue; }
            if (!inIndex) sb.Append(ch);
        }
        return sb.ToString();
    }

    /// <summary>weights[1] → "weights row 2"; weights[1][2] → "weights row 2 value 3"; 4-D and 5-D keep the channel (and frame) indices.</summary>
    private static string Describe(string path, int channelLevels)
    {
        var idx = new List<int>();
        int pos = 0;
        while ((pos = path.IndexOf('[', pos)) >= 0)
        {
            int end = path.IndexOf(']', pos);
            idx.Add(int.Parse(path.AsSpan(pos + 1, end - pos - 1), CultureInfo.InvariantCulture));
            pos = end;
        }
        var text = "weights";
        for (int i = 0; i < Math.Min(channelLevels, idx.Count); i++) text += $"[{idx[i]}]";
        if (idx.Count > channelLevels) text += $" row {idx[channelLevels] + 1}";
        if (idx.Count > channelLevels + 1) text += $" value {idx[channelLevels + 1] + 1}";
        return text;
    }

    private static double Number(JsonElement e, string name, string what)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double v) || !double.IsFinite(v))
            throw new ConvStreamException($"{name}: {what} must be a number but is {e.GetRawText()}");
        return v;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"the string {e.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        JsonValueKind.Null => "null",
        _ => e.GetRawText(),
    };
}
