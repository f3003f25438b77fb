using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Pipeline.Files;
using ConvStream.Stages;
using ConvStream.Stages.Tensors;

namespace ConvStream.Pipeline.Planning;

/// <summary>
/// A pipeline ready to run: every stage's filter created from its keys, stages in an order where
/// each comes after its inputs, every frame format planned from the source's through each filter's
/// <see cref="IFrameFilter.OutputFormat"/> (where wrong channel counts, depths and sizes are
/// caught, before any frame flows), receptive fields and multiply-adds for <c>describe</c>.
/// <para>
/// Then the layouts (<see cref="FrameLayouts"/>): a stage's output travels planar (C,H,W) f32 when
/// every reader of it computes on planar frames, and the one vectorised conversion is put where an
/// interleaved frame meets a tensor stage and where a tensor stage's result has a reader that needs
/// interleaved frames (an 8-bit stage, an output); <see cref="Conversions"/> lists them.
/// </para>
/// </summary>
public sealed class PipelinePlan
{
    private readonly IReadOnlyDictionary<string, Func<StageSpec, IFrameFilter>>? _extraOps;
    private readonly Dictionary<string, FrameFormat> _formats;

    private PipelinePlan(PipelineDefinition definition, FrameFormat source, List<PlannedStage> stages, List<PlannedOutput> outputs,
        Dictionary<string, FrameFormat> formats, ExecutionSettings settings, IReadOnlyDictionary<string, Func<StageSpec, IFrameFilter>>? extraOps)
    {
        Conversions = stages.SelectMany(s => s.Conversions).ToArray();
        Definition = definition;
        SourceFormat = source;
        Stages = stages;
        Outputs = outputs;
        Settings = settings;
        _extraOps = extraOps;
        _formats = formats;
    }

    public PipelineDefinition Definition { get; }
    public FrameFormat SourceFormat { get; }
    /// <summary>In dependency order; <see cref="PlannedStage.Slot"/> is the index here.</summary>
    public IReadOnlyList<PlannedStage> Stages { get; }
    public IReadOnlyList<PlannedOutput> Outputs { get; }
    public ScheduleDefinition Schedule => Definition.Schedule;
    /// <summary>What every stage's plan was built with: the caller's SIMD level and scratch, the schedule's threads and band height.</summary>
    public ExecutionSettings Settings { get; }

    /// <summary>Every layout conversion the runner makes per frame, in stage order: where frames enter and leave planar layout.</summary>
    public IReadOnlyList<LayoutConversion> Conversions { get; }

    /// <summary>The format of the samples a node ('source' or a stage's name) produces (<see cref="LayoutOf"/>: how its frames lie).</summary>
    public FrameFormat FormatOf(string node) => _formats[node];

    /// <summary>The layout a node's frames travel in: planar between tensor stages, else interleaved.</summary>
    public FrameLayout LayoutOf(string node) => Stages.FirstOrDefault(s => s.Name == node)?.OutputLayout ?? FrameLayout.Interleaved;

    /// <param name="extraOps">Ops of the caller's own, by name (custom filters of a library user; tests).</param>
    /// <param name="settings">
    /// The SIMD level and scratch the stages' plans are built with (<see cref="ExecutionSettings.Default"/>
    /// when null); threads and band height come from the file's schedule.
    /// </param>
    public static PipelinePlan Build(PipelineDefinition definition, FrameFormat source,
        IReadOnlyDictionary<string, Func<StageSpec, IFrameFilter>>? extraOps = null, ExecutionSettings? settings = null)
    {
        string file = definition.FileName;
        var run = (settings ?? ExecutionSettings.Default) with { Threads = definition.Schedule.Threads, BandHeight = definition.Schedule.BandHeight };
        // Linear in the number of stages and edges throughout: a generated pipeline of thousands of
        // stages once took memory quadratic in its length (a copy of the whole path per stage).
        var order = DependencyOrder(definition, file);
        var formats = new Dictionary<string, FrameFormat> { [PipelineFile.SourceName] = source };
        // Receptive field (vertical, horizontal) and jump along the path that sees the most of the source.
        var fields = new Dictionary<string, (ReceptiveField H, ReceptiveField W)> { [PipelineFile.SourceName] = (ReceptiveField.Source, ReceptiveField.Source) };
        var planned = new List<PlannedStage>();
        foreach (var s in order)
        {
            var inputs = s.Inputs.Select(i => formats[i]).ToArray();
            var (filter, values, output) = PlanStage(definition, s, inputs, extraOps, run);
            formats[s.Name] = output;

            // Receptive field along the input path that sees the most of the source (DESIGN §3).
            var (kh, kw, stride) = filter.Footprint;
            var widest = fields[s.Inputs[0]];
            foreach (var i in s.Inputs) if (fields[i].H.Field > widest.H.Field) widest = fields[i];
            var field = (H: widest.H.Then(kh, stride, 1), W: widest.W.Then(kw, stride, 1));
            fields[s.Name] = field;
            planned.Add(new PlannedStage(planned.Count, s, filter, inputs, output, (field.H.Field, field.W.Field), field.H.Jump, filter.MultiplyAdds(output)) { Values = values });
        }

        planned = FrameLayouts.Assign(definition, planned);

        var outputs = new List<PlannedOutput>();
        foreach (var o in definition.Outputs)
        {
            var inputs = o.Stages.Select(n => formats[n]).ToArray();
            if (o.Kind is not (OutputKind.Mosaic or OutputKind.Null))
            {
                var f = inputs[0];
                if (f.Channels is not (1 or 3))
                    throw new ConvStreamException($"{file}: output '{o.Name}': stage '{o.Stages[0]}' gives {f.Channels} channels but a {o.Kind.ToString().ToLowerInvariant()} output shows 1 (gray) or 3 (BGR); use a mosaic (one tile per channel) or a stage that maps to 1 or 3 channels");
            }
            outputs.Add(new PlannedOutput(o, inputs, DisplayFormat(o, inputs)));
        }
        return new PipelinePlan(definition, source, planned, outputs, formats, run, extraOps);
    }

    /// <summary>Stages in an order where each comes after its inputs (Kahn's algorithm, breadth first from the source).</summary>
    private static List<StageDefinition> DependencyOrder(PipelineDefinition definition, string file)
    {
        var waiting = new Dictionary<string, int>(definition.Stages.Count);
        var readers = new Dictionary<string, List<StageDefinition>> { [PipelineFile.SourceName] = new() };
        foreach (var s in definition.Stages) readers[s.Name] = new();
        foreach (var s in definition.Stages)
        {
            waiting[s.Name] = s.Inputs.Count;
            foreach (var i in s.Inputs) readers[i].Add(s);
        }
        var order = new List<StageDefinition>(definition.Stages.Count);
        var ready = new Queue<string>();
        ready.Enqueue(PipelineFile.SourceName);
        while (ready.Count > 0)
            foreach (var reader in readers[ready.Dequeue()])
                if (--waiting[reader.Name] == 0)
                {
                    order.Add(reader);
                    ready.Enqueue(reader.Name);
                }
        // Definitions are acyclic (PipelineFile checked); this guards definitions built in code.
        if (order.Count < definition.Stages.Count) throw new ConvStreamException($"{file}: stages form a cycle");
        return order;
    }

    /// <summary>
    /// Builds <paramref name="stage"/> again with <paramref name="keys"/> in place of its keys (same
    /// op, inputs, settings and checks as <see cref="Build"/>, so a bad key gives the message the file
    /// would), off the frame path. The new stage must produce the same frame format, because the
    /// frames downstream were planned for it; the result is a stage ready to swap in.
    /// </summary>
    public PlannedStage Replan(PlannedStage stage, IReadOnlyDictionary<string, string> keys)
    {
        var definition = stage.Definition with { Keys = new Dictionary<string, string>(keys, StringComparer.OrdinalIgnoreCase) };
        var (filter, values, output) = PlanStage(Definition, definition, stage.Inputs, _extraOps, Settings);
        if (output != stage.Output)
            throw new ConvStreamException($"{Definition.FileName}: stage '{stage.Name}': these keys change its output from {stage.Output} to {output}; a running pipeline only takes keys that keep every frame format (plan the pipeline again for that)");
        return stage with { Definition = definition, Filter = filter, Values = values, MultiplyAdds = filter.MultiplyAdds(output) };
    }

    /// <summary>Creates one stage's filter from its keys and plans its output format; errors name the file and stage.</summary>
    private static (IFrameFilter Filter, IReadOnlyDictionary<string, string?> Values, FrameFormat Output) PlanStage(
        PipelineDefinition definition, StageDefinition s, FrameFormat[] inputs,
        IReadOnlyDictionary<string, Func<StageSpec, IFrameFilter>>? extraOps, ExecutionSettings settings)
    {
        string context = $"{definition.FileName}: stage '{s.Name}'";
        var spec = new StageSpec(s.Op, s.Keys, definition.BaseDirectory, context, settings);
        if (!StageRegistry.IsKnown(s.Op, extraOps))
            throw new ConvStreamException($"{context}: unknown op '{s.Op}'; expected one of {string.Join(", ", StageRegistry.Ops.Concat(extraOps?.Keys ?? []).Order())}");
        // The spec's getters and every adapter name the stage with spec.Context themselves.
        var filter = StageRegistry.Create(spec, extraOps);
        TemporalPlan.Check(context, filter, definition.Schedule.Mode == ScheduleMode.Live);
        if (filter.InputCount != s.Inputs.Count)
            throw new ConvStreamException($"{context}: op '{s.Op}' reads {filter.InputCount} input(s) but 'input' names {s.Inputs.Count} ({string.Join(", ", s.Inputs)})");
        if (inputs.Length > 1 && inputs.Any(f => f.Width != inputs[0].Width || f.Height != inputs[0].Height))
            throw new ConvStreamException($"{context}: inputs differ in size ({string.Join(", ", s.Inputs.Select((n, k) => $"{n}: {inputs[k].Width}x{inputs[k].Height}"))}); the same frame size is expected");
        try { return (filter, spec.Values, filter.OutputFormat(inputs)); }
        catch (ConvStreamException e)
        {
            // An op's format checks say what does not fit; the file, the stage and the inputs are said here.
            throw new ConvStreamException($"{context}: {e.Message} (input {string.Join(", ", s.Inputs.Select((n, k) => $"'{n}' gives {inputs[k]}"))})", e);
        }
    }

    /// <summary>What a sink receives: 8-bit, 1 or 3 channels; a mosaic is BGR at the largest input's size.</summary>
    private static FrameFormat DisplayFormat(OutputDefinition o, FrameFormat[] inputs)
    {
        if (o.Kind == OutputKind.Mosaic)
        {
            int w = inputs.Max(f => f.Width), h = inputs.Max(f => f.Height);
            // Even sizes, because video encoders subsample chroma by two.
            return new FrameFormat(Math.Max(2, w & ~1), Math.Max(2, h & ~1), 3, PixelDepth.U8);
        }
        return inputs[0] with { Depth = PixelDepth.U8 };
    }
}

/// <summary>
/// One stage as planned: its slot (index in dependency order), filter, the formats of the samples it
/// reads and writes, receptive field and work; then the layouts its frames travel in and the
/// conversions the runner makes around its filter.
/// </summary>
public sealed record PlannedStage(
    int Slot, StageDefinition Definition, IFrameFilter Filter, FrameFormat[] Inputs, FrameFormat Output,
    (int H, int W) ReceptiveField, int Jump, long MultiplyAdds)
{
    /// <summary>How the frames it hands on lie: planar when every reader takes planar frames as they are.</summary>
    public FrameLayout OutputLayout { get; init; }

    /// <summary>How each input's frames lie as they arrive (its producer's <see cref="OutputLayout"/>).</summary>
    public FrameLayout[] InputLayouts { get; init; } = new FrameLayout[Inputs.Length];

    /// <summary>Per input: whether the runner converts it to planar before the filter reads it.</summary>
    public bool[] ConvertsInput { get; init; } = new bool[Inputs.Length];

    /// <summary>Whether the filter writes planar f32 that the runner converts into <see cref="Output"/> (interleaved, of its depth).</summary>
    public bool ConvertsOutput { get; init; }

    /// <summary>The format of the frames it hands on: <see cref="Output"/> in <see cref="OutputLayout"/>.</summary>
    public FrameFormat Carried => OutputLayout == FrameLayout.Planar ? Output.AsPlanar : Output;

    /// <summary>The formats the filter is handed: <see cref="Inputs"/>, planar where they arrive planar or the runner converts them.</summary>
    public FrameFormat[] FilterInputs => Inputs.Select((f, i) => ConvertsInput[i] || InputLayouts[i] == FrameLayout.Planar ? f.AsPlanar : f).ToArray();

    /// <summary>The format the filter writes: planar f32 when it hands planar frames on or the runner converts its result, else <see cref="Output"/>.</summary>
    public FrameFormat FilterOutput => ConvertsOutput ? Output.AsPlanar : Carried;

    /// <summary>This stage's conversions, inputs first.</summary>
    public IEnumerable<LayoutConversion> Conversions
        => Definition.Inputs.Where((_, i) => ConvertsInput[i]).Select(i => new LayoutConversion(Name, i, FrameLayout.Planar))
            .Concat(ConvertsOutput ? [new LayoutConversion(Name, null, FrameLayout.Interleaved)] : []);

    public string Name => Definition.Name;
    public string Op => Definition.Op;
    /// <summary>Every key the op accepts with the value in force (given, else the op's default; null where derived).</summary>
    public IReadOnlyDictionary<string, string?> Values { get; init; } = new Dictionary<string, string?>();
}

/// <summary>An output as planned: what it reads and the 8-bit format its sink receives.</summary>
public sealed record PlannedOutput(OutputDefinition Definition, FrameFormat[] Inputs, FrameFormat Display)
{
    public string Name => Definition.Name;
}
