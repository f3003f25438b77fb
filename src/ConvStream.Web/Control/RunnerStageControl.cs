using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;

namespace ConvStream.Web.Control;

/// <summary><see cref="IStageControl"/> over a <see cref="PipelineRunner"/>: swaps the stage's filter between two frames.</summary>
public sealed class RunnerStageControl(PipelineRunner runner) : IStageControl
{
    public IReadOnlyDictionary<string, string> ParamsOf(StageDefinition stage) => stage.Keys;

    public void Swap(PlannedStage replacement) => runner.ReplaceFilter(replacement.Name, replacement.Filter);
}
