namespace ConvStream.Web.Control;

/// <summary>What the live view needs from a running pipeline to show and change a stage's parameters.</summary>
public interface IStageControl
{
    /// <summary>Every key the stage accepts, with the value in force (null where the op derives it from other keys).</summary>
    IReadOnlyDictionary<string, string?> ParamsOf(string stage);

    /// <summary>
    /// Puts <paramref name="keys"/> (merged over the stage's keys; an empty value removes one) in
    /// force from a frame boundary on: the new plan is built off the frame path and swapped in
    /// between two frames. Throws the pipeline file's <see cref="ConvStream.Engine.ConvStreamException"/>
    /// for a bad key or a change of output format; the running plan then stays.
    /// </summary>
    Task ChangeAsync(string stage, IReadOnlyDictionary<string, string> keys, CancellationToken cancellationToken);
}
