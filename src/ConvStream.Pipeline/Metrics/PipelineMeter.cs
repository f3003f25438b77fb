using System.Diagnostics.Metrics;

namespace ConvStream.Pipeline.Metrics;

/// <summary>
/// The pipeline's metrics as <c>System.Diagnostics.Metrics</c> instruments on the meter
/// <c>ConvStream</c>, so <c>dotnet-counters monitor --counters ConvStream</c> and OpenTelemetry see
/// them. Histograms are recorded per frame with the stage's name as a tag (free when nobody
/// listens); frame counts and drops are observed from the running pipelines on demand.
/// </summary>
public static class PipelineMeter
{
    public const string Name = "ConvStream";
    public static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> ComputeMs =
        Meter.CreateHistogram<double>("convstream.stage.compute", "ms", "Time a stage spent computing one frame");
    public static readonly Histogram<double> QueueMs =
        Meter.CreateHistogram<double>("convstream.stage.queue_wait", "ms", "Time a frame waited in a stage's input queue");
    public static readonly Histogram<double> AgeMs =
        Meter.CreateHistogram<double>("convstream.output.age", "ms", "Time from capture to the sink, per output");

    private static readonly List<IReadOnlyList<StageMetrics>> Running = new();

    static PipelineMeter()
    {
        Meter.CreateObservableCounter("convstream.stage.frames_in", () => Observe(m => m.FramesIn), "frames");
        Meter.CreateObservableCounter("convstream.stage.frames_out", () => Observe(m => m.FramesOut), "frames");
        Meter.CreateObservableCounter("convstream.stage.dropped", () => Observe(m => m.Dropped), "frames");
    }

    internal static void Attach(IReadOnlyList<StageMetrics> nodes) { lock (Running) Running.Add(nodes); }
    internal static void Detach(IReadOnlyList<StageMetrics> nodes) { lock (Running) Running.Remove(nodes); }

    private static IEnumerable<Measurement<long>> Observe(Func<StageMetrics, long> value)
    {
        List<Measurement<long>> list = new();
        lock (Running)
            foreach (var nodes in Running)
                foreach (var m in nodes)
                    list.Add(new Measurement<long>(value(m), new KeyValuePair<string, object?>("stage", m.Name)));
        return list;
    }
}
