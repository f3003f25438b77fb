using System.Text.Json.Nodes;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Video;
using ConvStream.Web.Control;

namespace ConvStream.Web.Api;

/// <summary>The JSON of <c>/api/pipeline</c> and <c>/api/stats</c>; key names are part of the contract.</summary>
internal static class ApiJson
{
    public static JsonObject Pipeline(LivePipeline live, PipelinePlan plan, VideoInfo source, string sourceText)
    {
        var definition = live.Definition;
        var stages = new JsonArray();
        foreach (var s in plan.Stages)
        {
            var d = definition.Stages.First(x => x.Name == s.Name);
            var parameters = new JsonObject();
            foreach (var (k, v) in live.ParamsOf(s.Name).OrderBy(p => p.Key, StringComparer.Ordinal)) parameters[k] = LivePipeline.ValueNode(v);
            stages.Add(new JsonObject
            {
                ["name"] = s.Name,
                ["op"] = s.Op,
                ["input"] = d.Inputs.Count == 1 ? d.Inputs[0] : new JsonArray([.. d.Inputs.Select(i => (JsonNode)i)]),
                ["params"] = parameters,
                ["shape"] = Shape(s.Output),
                ["depth"] = s.Output.Depth.Name(),
            });
        }
        var outputs = new JsonArray();
        foreach (var o in plan.Outputs)
            outputs.Add(new JsonObject
            {
                ["name"] = o.Name,
                ["kind"] = o.Definition.Kind.ToString().ToLowerInvariant(),
                ["stages"] = new JsonArray([.. o.Definition.Stages.Select(i => (JsonNode)i)]),
                ["path"] = o.Definition.Path,
            });
        return new JsonObject
        {
            ["file"] = definition.FileName,
            ["description"] = definition.Description,
            ["source"] = new JsonObject
            {
                ["name"] = PipelineFile.SourceName,
                ["input"] = sourceText,
                ["width"] = source.Width,
                ["height"] = source.Height,
                ["channels"] = source.Channels,
                ["fps"] = source.FrameRate,
                ["frame_count"] = source.FrameCount,
                ["live"] = source.IsLive,
                ["shape"] = Shape(plan.SourceFormat),
                ["depth"] = plan.SourceFormat.Depth.Name(),
            },
            ["stages"] = stages,
            ["outputs"] = outputs,
            ["schedule"] = new JsonObject
            {
                ["mode"] = definition.Schedule.Mode.ToString().ToLowerInvariant(),
                ["capacity"] = definition.Schedule.Capacity,
                ["drop"] = definition.Schedule.Drop == DropPolicy.DropOldest ? "drop-oldest" : "wait",
                ["threads"] = definition.Schedule.Threads,
            },
        };
    }

    public static JsonObject Stats(IReadOnlyList<StageMetrics> nodes, StatsSampler sampler, TimeSpan elapsed, Func<string, int> watchers)
    {
        JsonObject? source = null;
        var stages = new JsonArray();
        var outputs = new JsonArray();
        for (int i = 0; i < nodes.Count; i++)
        {
            var m = nodes[i];
            var o = new JsonObject
            {
                ["name"] = m.Name,
                ["op"] = m.Op,
                ["frames_in"] = m.FramesIn,
                ["frames_out"] = m.FramesOut,
                ["dropped"] = m.Dropped,
                ["fps"] = Math.Round(sampler.Fps(i), 2),
            };
            if (m.Kind == NodeKind.Output)
            {
                o["age_ms"] = Percentiles(m.Age);
                outputs.Add(o);
                continue;
            }
            o["watchers"] = watchers(m.Name);
            if (m.Kind == NodeKind.Stage)
            {
                o["queue_ms"] = Percentiles(m.QueueWait);
                o["compute_ms"] = Percentiles(m.Compute);
                o["compute_history_ms"] = new JsonArray([.. sampler.ComputeHistory(i).Select(v => double.IsNaN(v) ? null : (JsonNode)Math.Round(v, 4))]);
                stages.Add(o);
            }
            else source = o;
        }
        return new JsonObject
        {
            ["elapsed_s"] = Math.Round(elapsed.TotalSeconds, 3),
            ["history_interval_s"] = StatsSampler.Interval.TotalSeconds,
            ["source"] = source,
            ["stages"] = stages,
            ["outputs"] = outputs,
        };
    }

    private static JsonArray Shape(FrameFormat f) => [f.Channels, f.Height, f.Width];

    private static JsonObject Percentiles(LatencyHistogram h) => new()
    {
        ["count"] = h.Count,
        ["p50"] = Math.Round(h.PercentileMs(0.50), 4),
        ["p95"] = Math.Round(h.PercentileMs(0.95), 4),
        ["p99"] = Math.Round(h.PercentileMs(0.99), 4),
        ["max"] = Math.Round(h.MaxMs, 4),
    };
}
