using ConvStream.Engine;

namespace ConvStream.Pipeline.Runtime;

/// <summary>A pipeline stopped because one node (the source, a stage or an output) failed; the message names it.</summary>
public sealed class PipelineStageException(string node, string message, Exception inner)
    : ConvStreamException(message, inner)
{
    /// <summary>"stage 'edges'", "source", "output 'blur.mp4'".</summary>
    public string Node { get; } = node;
}
