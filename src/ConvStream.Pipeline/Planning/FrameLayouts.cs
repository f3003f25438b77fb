using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Files;

namespace ConvStream.Pipeline.Planning;

/// <summary>
/// Chooses the layout every frame travels in, once the formats are planned. A stage that computes
/// on planar frames (<see cref="LayoutUse.Planar"/>: the tensor stages) writes planar (C,H,W) f32
/// when it has readers, all of them stages that take planar frames as they are: tensor stages, or
/// elementwise stages (<see cref="LayoutUse.Either"/>: relu, normalize) whose own readers all do,
/// or mosaic outputs, which draw a tile per plane.
/// An elementwise stage keeps its input's layout. Every other reader (an 8-bit stage, a file or
/// window output) gets interleaved frames, so the tensor stage before it converts its result out; a tensor
/// stage reading an interleaved frame converts it in. Those are the only conversions
/// (<see cref="LayoutConversion"/>), each the vectorised <see cref="FrameConvert"/>, made by the runner.
/// </summary>
internal static class FrameLayouts
{
    /// <summary>The stages with their layouts and conversions.</summary>
    public static List<PlannedStage> Assign(PipelineDefinition definition, List<PlannedStage> stages)
    {
        var stageReaders = stages.ToDictionary(s => s.Name, _ => new List<PlannedStage>());
        stageReaders[PipelineFile.SourceName] = new();
        foreach (var s in stages)
            foreach (var i in s.Definition.Inputs) stageReaders[i].Add(s);
        // A mosaic reads planar frames as they are (a tile per plane); every other output shows interleaved frames.
        var readByMosaic = definition.Outputs.Where(o => o.Kind == OutputKind.Mosaic).SelectMany(o => o.Stages).ToHashSet();
        var readByOutput = definition.Outputs.Where(o => o.Kind != OutputKind.Mosaic).SelectMany(o => o.Stages).ToHashSet();

        // Whether a stage, handed planar frames, reads them as they are (stages are in dependency
        // order, so a stage's readers come after it: walk backwards).
        var takesPlanar = new Dictionary<string, bool>();
        for (int k = stages.Count - 1; k >= 0; k--)
        {
            var s = stages[k];
            takesPlanar[s.Name] = s.Filter.Layouts switch
            {
                LayoutUse.Planar => true,
                LayoutUse.Either => s.Inputs.Length == 1 && WritesPlanar(s.Name),
                _ => false,
            };
        }
        bool WritesPlanar(string node)
            => !readByOutput.Contains(node) && (stageReaders[node].Count > 0 || readByMosaic.Contains(node)) && stageReaders[node].All(r => takesPlanar[r.Name]);

        var layouts = new Dictionary<string, FrameLayout> { [PipelineFile.SourceName] = FrameLayout.Interleaved };
        var result = new List<PlannedStage>(stages.Count);
        foreach (var s in stages)
        {
            var inputs = s.Definition.Inputs.Select(i => layouts[i]).ToArray();
            bool tensor = s.Filter.Layouts == LayoutUse.Planar;
            bool planarOut = s.Filter.Layouts switch
            {
                LayoutUse.Planar => s.Output.Depth == PixelDepth.F32 && WritesPlanar(s.Name),
                LayoutUse.Either => inputs[0] == FrameLayout.Planar,
                _ => false,
            };
            layouts[s.Name] = planarOut ? FrameLayout.Planar : FrameLayout.Interleaved;
            result.Add(s with
            {
                InputLayouts = inputs,
                OutputLayout = layouts[s.Name],
                ConvertsInput = inputs.Select(l => tensor && l != FrameLayout.Planar).ToArray(),
                ConvertsOutput = tensor && !planarOut,
            });
        }
        return result;
    }
}

/// <summary>
/// One conversion the runner makes per frame: into planar at <paramref name="Stage"/>'s input from
/// <paramref name="Input"/>, or (<paramref name="Input"/> null) back to interleaved at its output.
/// </summary>
public readonly record struct LayoutConversion(string Stage, string? Input, FrameLayout To)
{
    public override string ToString() => Input is null ? $"{Stage} → interleaved" : $"{Input} → planar at {Stage}";
}
