using ConvStream.Engine.Filters;
using ConvStream.Pipeline.Planning;

namespace ConvStream.Pipeline.Runtime;

/// <summary>
/// What one stage runs with: its name, op and inputs; <see cref="Keys"/> as given (the file's,
/// then every update's); <see cref="Values"/>, every key the op accepts with the value in force
/// (the given text, else the op's default as text, null where the op derives it from other keys);
/// and the format of the frames it produces.
/// </summary>
public sealed record StageParameters(
    string Stage, string Op, IReadOnlyList<string> Inputs,
    IReadOnlyDictionary<string, string> Keys, IReadOnlyDictionary<string, string?> Values, FrameFormat Output)
{
    internal static StageParameters Of(PlannedStage s) => new(s.Name, s.Op, s.Definition.Inputs, s.Definition.Keys, s.Values, s.Output);
}
