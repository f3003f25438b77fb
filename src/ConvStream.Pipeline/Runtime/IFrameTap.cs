namespace ConvStream.Pipeline.Runtime;

/// <summary>
/// Sees every frame a node produces (the source, then each stage), on that node's own thread, right
/// after it is produced: the hook a live view uses to show stages without being a pipeline output.
/// It must return at once (no waiting, no encoding): a tap that wants a frame takes a reference
/// (<see cref="PooledFrame.AddRef"/>), keeps only the newest one, and releases it when done, so a
/// slow viewer costs the pipeline one pooled frame per watched node, never time.
/// </summary>
public interface IFrameTap
{
    /// <param name="node">"source" or the stage's name.</param>
    /// <param name="frame">The frame just produced; borrowed for the call unless the tap adds a reference.</param>
    void OnFrame(string node, PooledFrame frame);
}
