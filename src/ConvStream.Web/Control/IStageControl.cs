using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;

namespace ConvStream.Web.Control;

/// <summary>What the live view needs from a running pipeline to show and change a stage's parameters.</summary>
public interface IStageControl
{
    /// <summary>Every key the stage accepts, with the value in force.</summary>
    IReadOnlyDictionary<string, string> ParamsOf(StageDefinition stage);

    /// <summary>
    /// Puts <paramref name="replacement"/> (planned off the frame path, same output format) in force
    /// from the stage's next frame on; the frame being computed finishes with the old plan.
    /// </summary>
    void Swap(PlannedStage replacement);
}
