using ConvStream.Pipeline.Runtime;

namespace ConvStream.Web.Control;

/// <summary><see cref="IStageControl"/> over a <see cref="PipelineRunner"/>'s own stage update (plan swap between two frames).</summary>
public sealed class RunnerStageControl(PipelineRunner runner) : IStageControl
{
    public IReadOnlyDictionary<string, string?> ParamsOf(string stage) => runner.GetStageParameters(stage).Values;

    public Task ChangeAsync(string stage, IReadOnlyDictionary<string, string> keys, CancellationToken cancellationToken)
        => runner.UpdateStageAsync(stage, keys, cancellationToken);
}
