using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;

namespace ConvStream.Web.Frames;

/// <summary>The pipeline's <see cref="IFrameTap"/>: one <see cref="NodeFrames"/> per node (the source and every stage).</summary>
internal sealed class LiveFrames : IFrameTap, IAsyncDisposable
{
    private readonly Dictionary<string, NodeFrames> _nodes;

    public LiveFrames(PipelinePlan plan)
    {
        _nodes = new(StringComparer.Ordinal) { [PipelineFile.SourceName] = new NodeFrames(PipelineFile.SourceName, plan.SourceFormat) };
        foreach (var s in plan.Stages) _nodes[s.Name] = new NodeFrames(s.Name, s.Carried);
    }

    public NodeFrames? Find(string node) => _nodes.GetValueOrDefault(node);

    public IEnumerable<NodeFrames> Nodes => _nodes.Values;

    public void OnFrame(string node, PooledFrame frame)
    {
        if (_nodes.TryGetValue(node, out var n)) n.Offer(frame);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var n in _nodes.Values) await n.DisposeAsync().ConfigureAwait(false);
    }
}
