using System.Diagnostics;
using ConvStream.Pipeline.Metrics;

namespace ConvStream.Web.Api;

/// <summary>
/// Samples every node's counters once a second: frames per second over the last second, and the
/// mean compute time of the frames of that second, kept for the last minute (the page's charts).
/// The pipeline's histograms are cumulative since the start; differences of count and sum give
/// the recent figures without touching the frame path.
/// </summary>
internal sealed class StatsSampler : IAsyncDisposable
{
    public const int HistoryLength = 60;
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<StageMetrics> _nodes;
    private readonly NodeHistory[] _history;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly object _gate = new();

    public StatsSampler(IReadOnlyList<StageMetrics> nodes)
    {
        _nodes = nodes;
        _history = nodes.Select(_ => new NodeHistory()).ToArray();
        Sample();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Frames per second of node <paramref name="index"/> (in the order given) over the last interval.</summary>
    public double Fps(int index) { lock (_gate) return _history[index].Fps; }

    /// <summary>Mean compute (ms) per second for the last minute, oldest first; NaN for a second without frames.</summary>
    public double[] ComputeHistory(int index) { lock (_gate) return [.. _history[index].Compute]; }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false)) Sample();
        }
        catch (OperationCanceledException) { }
    }

    private void Sample()
    {
        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            for (int i = 0; i < _nodes.Count; i++)
            {
                var m = _nodes[i];
                var h = _history[i];
                long frames = m.FramesOut, count = m.Compute.Count;
                double sum = m.Compute.MeanNanoseconds * count;
                if (h.Timestamp != 0)
                {
                    double seconds = Stopwatch.GetElapsedTime(h.Timestamp, now).TotalSeconds;
                    h.Fps = seconds > 0 ? (frames - h.Frames) / seconds : 0;
                    long n = count - h.ComputeCount;
                    h.Compute.Enqueue(n > 0 ? (sum - h.ComputeSum) / n / 1e6 : double.NaN);
                    while (h.Compute.Count > HistoryLength) h.Compute.Dequeue();
                }
                h.Timestamp = now;
                h.Frames = frames;
                h.ComputeCount = count;
                h.ComputeSum = sum;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private sealed class NodeHistory
    {
        public long Timestamp, Frames, ComputeCount;
        public double ComputeSum, Fps;
        public Queue<double> Compute { get; } = new();
    }
}
