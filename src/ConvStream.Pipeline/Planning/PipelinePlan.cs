using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Stages;

namespace ConvStream.Pipeline.Planning;

/// <summary>
/// A pipeline ready to run: every stage's filter created from its keys, stages in an order where
/// each comes after its inputs, every frame format planned from the source's through each filter's
/// <see cref="IFrameFilter.OutputFormat"/> (where wrong channel counts, depths and sizes are
/// caught, before any frame flows), receptive fields and multiply-adds for <c>describe</c>.
/// </summary>
public sealed class PipelinePlan
{
    private PipelinePlan(PipelineDefinition definition, FrameFormat source, List<PlannedStage> stages, List<PlannedOutput> outputs)
    {
        Definition = definition;
        SourceFormat = source;
        Stages = stages;
        Outputs = outputs;
    }

    public PipelineDefinition Definition { get; }
    public FrameFormat SourceFormat { get; }
    /// <summary>In dependency order; <see cref="PlannedStage.Slot"/> is the index here.</summary>
    public IReadOnlyList<PlannedStage> Stages { get; }
    public IReadOnlyList<PlannedOutput> Outputs { get; }
    public ScheduleDefinition Schedule => Definition.Schedule;

    /// <summary>The format a node ('source' or a stage's name) produces.</summary>
    public FrameFormat FormatOf(string node) => node == PipelineFile.SourceName ? SourceFormat : Stages.First(s => s.Name == node).Output;

    /// <param name="extraOps">Ops of the caller's own, by name (custom filters of a library user; tests).</param>
    public static PipelinePlan Build(PipelineDefinition definition, FrameFormat source, IReadOnlyDictionary<string, Func<StageSpec, IFrameFilter>>? extraOps = null)
    {
        string file = definition.FileName;
        var byName = definition.Stages.ToDictionary(s => s.Name);
        var order = new List<StageDefinition>();
        var placed = new HashSet<string> { PipelineFile.SourceName };
        // Definitions are acyclic (PipelineFile checked); place each stage once all its inputs are placed.
        while (order.Count < definition.Stages.Count)
        {
            bool progress = false;
            foreach (var s in definition.Stages)
                if (!placed.Contains(s.Name) && s.Inputs.All(placed.Contains))
                {
                    order.Add(s);
                    placed.Add(s.Name);
                    progress = true;
                }
            if (!progress) throw new ConvStreamException($"{file}: stages form a cycle");
        }

        var formats = new Dictionary<string, FrameFormat> { [PipelineFile.SourceName] = source };
        var fields = new Dictionary<string, List<(int Kernel, int Stride, int Dilation)>>
        {
            [PipelineFile.SourceName] = new(),
        };
        var fieldsW = new Dictionary<string, List<(int Kernel, int Stride, int Dilation)>> { [PipelineFile.SourceName] = new() };
        var planned = new List<PlannedStage>();
        foreach (var s in order)
        {
            string context = $"{file}: stage '{s.Name}'";
            var spec = new StageSpec(s.Op, s.Keys, definition.BaseDirectory, context);
            if (!StageFactory.IsKnown(s.Op, extraOps))
                throw new ConvStreamException($"{context}: unknown op '{s.Op}'; expected one of {string.Join(", ", StageFactory.Ops.Concat(extraOps?.Keys ?? []).Order())}");
            IFrameFilter filter;
            try { filter = StageFactory.Create(spec, extraOps); }
            catch (ConvStreamException e) { throw new ConvStreamException(WithContext(context, e.Message)); }
            TemporalPlan.Check(context, filter, definition.Schedule.Mode == ScheduleMode.Live);
            if (filter.InputCount != s.Inputs.Count)
                throw new ConvStreamException($"{context}: op '{s.Op}' reads {filter.InputCount} input(s) but 'input' names {s.Inputs.Count} ({string.Join(", ", s.Inputs)})");
            var inputs = s.Inputs.Select(i => formats[i]).ToArray();
            if (inputs.Length > 1 && inputs.Any(f => f.Width != inputs[0].Width || f.Height != inputs[0].Height))
                throw new ConvStreamException($"{context}: inputs differ in size ({string.Join(", ", s.Inputs.Select((n, k) => $"{n}: {inputs[k].Width}x{inputs[k].Height}"))}); the same frame size is expected");
            FrameFormat output;
            try { output = filter.OutputFormat(inputs); }
            catch (ConvStreamException e)
            {
                throw new ConvStreamException(WithContext(context, $"{e.Message} (input {string.Join(", ", s.Inputs.Select((n, k) => $"'{n}' gives {inputs[k]}"))})"));
            }
            formats[s.Name] = output;

            // Receptive field along the input path that sees the most of the source (DESIGN §3).
            var (kh, kw, stride) = filter.Footprint;
            string widest = s.Inputs.OrderByDescending(i => ConvGeometry.ReceptiveField(fields[i]).Field).First();
            fields[s.Name] = [.. fields[widest], (kh, stride, 1)];
            fieldsW[s.Name] = [.. fieldsW[widest], (kw, stride, 1)];
            var (rh, jump) = ConvGeometry.ReceptiveField(fields[s.Name]);
            var (rw, _) = ConvGeometry.ReceptiveField(fieldsW[s.Name]);
            planned.Add(new PlannedStage(planned.Count, s, filter, inputs, output, (rh, rw), jump, filter.MultiplyAdds(output)));
        }

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
        return new PipelinePlan(definition, source, planned, outputs);
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

    private static string WithContext(string context, string message)
    {
        if (message.StartsWith(context, StringComparison.Ordinal)) return message;
        // Filters name themselves "stage 'gaussian'" when they were not given a context; keep ours.
        return $"{context}: {message}";
    }
}

/// <summary>One stage as planned: its slot (index in dependency order), filter, input and output formats, receptive field and work.</summary>
public sealed record PlannedStage(
    int Slot, StageDefinition Definition, IFrameFilter Filter, FrameFormat[] Inputs, FrameFormat Output,
    (int H, int W) ReceptiveField, int Jump, long MultiplyAdds)
{
    public string Name => Definition.Name;
    public string Op => Definition.Op;
}

/// <summary>An output as planned: what it reads and the 8-bit format its sink receives.</summary>
public sealed record PlannedOutput(OutputDefinition Definition, FrameFormat[] Inputs, FrameFormat Display)
{
    public string Name => Definition.Name;
}
