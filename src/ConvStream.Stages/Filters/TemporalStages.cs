using System.Globalization;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Temporal;
using ConvStream.Engine.Geometry;

namespace ConvStream.Stages.Filters;

/// <summary>
/// Adapters of the temporal stages (<c>tmix</c>, <c>tdiff</c>, <c>running-average</c>,
/// <c>foreground</c>) and the keys every stage with a window shares: <c>mode</c>
/// (auto, causal, centred) and <c>time-border</c> (replicate or zeros).
/// </summary>
internal static class TemporalStages
{
    /// <summary><c>tmix:weights=W1;W2;…[,mode][,scale][,time-border]</c>: weights oldest frame first.</summary>
    public static IFrameFilter Mix(StageSpec spec)
    {
        string text = spec.RequiredString("weights");
        var weights = new List<double>();
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double w) || !double.IsFinite(w))
                throw new ConvStreamException($"{spec.Context}: key 'weights' must be numbers separated by ';' (oldest frame first) but has '{part}'");
            weights.Add(w);
        }
        double? scale = spec.Has("scale") ? spec.Double("scale", 1) : null;
        return new TemporalMixFilter(weights, scale, Mode(spec), TimeBorder(spec, BorderMode.Replicate), spec.Context, spec.Settings);
    }

    /// <summary><c>tdiff[:abs=true][,threshold=T][,time-border]</c>.</summary>
    public static IFrameFilter Difference(StageSpec spec)
        => new FrameDifferenceFilter(spec.Bool("abs", true), spec.Has("threshold") ? spec.Int("threshold", 0) : null,
            TimeBorder(spec, BorderMode.Replicate), spec.Context, spec.Settings);

    /// <summary><c>running-average:alpha=A</c>.</summary>
    public static IFrameFilter RunningAverage(StageSpec spec)
    {
        if (!spec.Has("alpha")) throw new ConvStreamException($"{spec.Context}: needs key 'alpha' (the weight of each new frame, e.g. alpha=0.05)");
        return new RunningAverageFilter(spec.Double("alpha", 0), spec.Context, spec.Settings);
    }

    /// <summary><c>foreground[:threshold=T]</c> (two inputs: the frame and its background).</summary>
    public static IFrameFilter Foreground(StageSpec spec) => new ForegroundFilter(spec.Double("threshold", 25), spec.Context, spec.Settings);

    /// <summary>The <c>mode</c> key: where the window sits around the frame it answers for.</summary>
    public static TemporalMode Mode(StageSpec spec)
        => spec.Choice("mode", "auto", "auto", "causal", "centred", "centered") switch
        {
            "causal" => TemporalMode.Causal,
            "centred" or "centered" => TemporalMode.Centred,
            _ => TemporalMode.Auto,
        };

    /// <summary>The <c>time-border</c> key: the two rules a video stream can complete its ends with.</summary>
    public static BorderMode TimeBorder(StageSpec spec, BorderMode fallback)
        => spec.Choice("time-border", fallback == BorderMode.Zeros ? "zeros" : "replicate", "replicate", "zeros") == "zeros"
            ? BorderMode.Zeros : BorderMode.Replicate;
}
