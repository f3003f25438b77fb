using System.Globalization;
using System.Text;
using System.Text.Json;
using ConvStream.Engine.Io;
using ConvStream.Pipeline.Runtime;

namespace ConvStream.Pipeline.Metrics;

/// <summary>
/// <c>convstream bench</c>'s results as JSON (per stage <c>name</c>, <c>op</c>, <c>compute_ms</c> and
/// <c>queue_ms</c> with p50/p95/p99/max; overall <c>frames</c>, <c>fps</c>,
/// <c>allocated_bytes_per_frame</c>, <c>gc_collections</c>, <c>size</c>, <c>threads</c>) and as a
/// Markdown table for READMEs and pull requests.
/// </summary>
public static class BenchReport
{
    public static string Json(RunSummary s, string size, int threads)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("stages");
            foreach (var n in s.Nodes.Where(n => n.Kind == NodeKind.Stage))
            {
                w.WriteStartObject();
                w.WriteString("name", n.Name);
                w.WriteString("op", n.Op);
                Percentiles(w, "compute_ms", n.Compute);
                Percentiles(w, "queue_ms", n.QueueWait);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("frames", s.MeasuredFrames);
            w.WriteNumber("fps", Math.Round(s.FramesPerSecond, 2));
            w.WriteNumber("allocated_bytes_per_frame", Math.Round(s.AllocatedBytesPerFrame, 1));
            w.WriteNumber("gc_collections", s.GcCollections.Gen0 + s.GcCollections.Gen1 + s.GcCollections.Gen2);
            w.WriteString("size", size);
            w.WriteNumber("threads", threads);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static string Markdown(RunSummary s, string size, int threads, string title)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"{s.MeasuredFrames} frames of {size}, {threads} thread(s): **{s.FramesPerSecond:F1} frames/s**, {s.AllocatedBytesPerFrame:F0} bytes allocated per frame, {s.GcCollections.Gen0}/{s.GcCollections.Gen1}/{s.GcCollections.Gen2} GC collections (gen 0/1/2), {s.Dropped} dropped, {s.PoolFrames} pooled frames.");
        sb.AppendLine();
        sb.AppendLine("| stage | op | compute p50 | p95 | p99 | max | queue p50 | p95 | p99 | max | frames/s alone | drops |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var n in s.Nodes.Where(n => n.Kind == NodeKind.Stage))
        {
            var c = n.Compute; var q = n.QueueWait;
            double alone = c.PercentileMs(0.5) > 0 ? 1000 / c.PercentileMs(0.5) : 0;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {n.Name} | {n.Op} | {c.PercentileMs(0.5):F3} | {c.PercentileMs(0.95):F3} | {c.PercentileMs(0.99):F3} | {c.MaxMs:F3} | {q.PercentileMs(0.5):F3} | {q.PercentileMs(0.95):F3} | {q.PercentileMs(0.99):F3} | {q.MaxMs:F3} | {alone:F0} | {n.Dropped} |");
        }
        sb.AppendLine();
        sb.AppendLine("Times in ms per frame; \"frames/s alone\" is 1000 / compute p50, what the stage could sustain by itself.");
        return sb.ToString();
    }

    public static void Write(string path, string text) => AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text)));

    private static void Percentiles(Utf8JsonWriter w, string name, LatencyHistogram h)
    {
        w.WriteStartObject(name);
        w.WriteNumber("p50", Math.Round(h.PercentileMs(0.5), 4));
        w.WriteNumber("p95", Math.Round(h.PercentileMs(0.95), 4));
        w.WriteNumber("p99", Math.Round(h.PercentileMs(0.99), 4));
        w.WriteNumber("max", Math.Round(h.MaxMs, 4));
        w.WriteEndObject();
    }
}
