using ConvStream.Engine;

namespace ConvStream.Media.Segments;

/// <summary>One segment: frames [<see cref="StartFrame"/>, <see cref="StartFrame"/> + <see cref="Frames"/>) of the source.</summary>
public sealed record Segment(int Index, long StartFrame, long Frames, bool Last);

/// <summary>
/// How a file is cut into segments on keyframes: N about equal frame ranges, each starting at the
/// keyframe nearest to i·frames/N. The choice depends only on the file's keyframe index, so every
/// worker (a process here, a pod elsewhere) computes the same segments on its own. With fewer
/// usable keyframes than segments asked for, there are fewer segments (<see cref="Note"/> says so).
/// </summary>
public sealed class SegmentPlan
{
    private SegmentPlan(KeyframeIndex index, int requested, IReadOnlyList<Segment> segments)
    {
        Index = index; Requested = requested; Segments = segments;
    }

    public KeyframeIndex Index { get; }
    public int Requested { get; }
    public IReadOnlyList<Segment> Segments { get; }
    public int Count => Segments.Count;

    /// <summary>One line when the plan has fewer segments than asked for, else null.</summary>
    public string? Note => Count < Requested
        ? $"{Index.Path}: {Index.KeyframeFrames.Count} keyframe(s) in {Index.FrameCount} frames allow {Count} segment(s), not {Requested}: running {Count}"
        : null;

    public static SegmentPlan For(KeyframeIndex index, int requested)
    {
        if (requested < 1) throw new ConvStreamException($"segments: {requested} must be at least 1");
        long total = index.FrameCount;
        var keys = index.KeyframeFrames.Where(k => k > 0 && k < total).ToArray();
        var starts = new List<long> { 0 };
        for (int i = 1; i < requested; i++)
        {
            long target = (long)Math.Round((double)i * total / requested);
            long best = -1;
            foreach (long k in keys)
                if (k > starts[^1] && (best < 0 || Math.Abs(k - target) < Math.Abs(best - target))) best = k;
            if (best > 0) starts.Add(best);
        }
        var segments = new List<Segment>();
        for (int i = 0; i < starts.Count; i++)
        {
            bool last = i == starts.Count - 1;
            segments.Add(new Segment(i, starts[i], (last ? total : starts[i + 1]) - starts[i], last));
        }
        return new SegmentPlan(index, requested, segments);
    }
}
