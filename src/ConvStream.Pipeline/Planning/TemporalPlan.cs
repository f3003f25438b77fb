using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Temporal;
using ConvStream.Pipeline.Files;

namespace ConvStream.Pipeline.Planning;

/// <summary>
/// How a pipeline looks across time: per stage the frames it reads before and after the one it
/// answers for, the delay that adds up along the path from the source (an offline output waits
/// for the frames its centred windows read ahead), and the receptive field in time (how many
/// source frames one output depends on: the window spans add up along a path, the one-dimensional
/// case of DESIGN §3's formula with stride 1).
/// </summary>
public sealed class TemporalPlan
{
    /// <summary>Per stage, by name: its window and what accumulates up to it.</summary>
    public IReadOnlyDictionary<string, StageTemporal> Stages { get; }

    /// <summary>The most frames any output waits behind the source (offline; 0 live).</summary>
    public int DelayFrames { get; }

    public bool Any => Stages.Values.Any(s => s.Span > 1 || s.Unbounded);

    private TemporalPlan(Dictionary<string, StageTemporal> stages, int delay) { Stages = stages; DelayFrames = delay; }

    /// <summary>
    /// Refuses, at planning, what a temporal stage cannot do in this pipeline: read several
    /// inputs, or wait for future frames in a live pipeline.
    /// </summary>
    public static void Check(string context, IFrameFilter filter, bool live)
    {
        if (filter is not ITemporalFilter t) return;
        if (t.InputCount != 1) throw new ConvStreamException($"{context}: a temporal stage reads one input, but '{t.Op}' takes {t.InputCount}");
        if (t.Span is < 1 or > TemporalLimits.MaxSpan)
            throw new ConvStreamException($"{context}: its window of {t.Span} frames is longer than the {TemporalLimits.MaxSpan} a stage may hold");
        if (live && t.Mode == TemporalMode.Centred)
        {
            int future = TemporalModes.Footprint(t.Span, t.Mode, live: false).Future;
            throw new ConvStreamException($"{context}: {t.Op} is centred (it reads {future} frame(s) after the one it answers for), which a live pipeline cannot wait for; use mode=causal");
        }
    }

    public static TemporalPlan For(PipelinePlan plan)
    {
        bool live = plan.Schedule.Mode == ScheduleMode.Live;
        var stages = new Dictionary<string, StageTemporal> { [PipelineFile.SourceName] = new(0, 0, 1, 0, 1, false) };
        foreach (var s in plan.Stages)
        {
            int past = 0, future = 0, span = 1;
            bool unbounded = false;
            if (s.Filter is ITemporalFilter t)
            {
                (past, future) = TemporalModes.Footprint(t.Span, t.Mode, live);
                span = t.Span;
                unbounded = t.History == int.MaxValue;
            }
            var inputs = s.Definition.Inputs.Select(i => stages[i]).ToArray();
            int delay = inputs.Max(i => i.Delay) + future;
            int field = inputs.Max(i => i.Field) + span - 1;
            stages[s.Name] = new StageTemporal(past, future, span, delay, field, unbounded || inputs.Any(i => i.Unbounded));
        }
        int total = plan.Outputs.SelectMany(o => o.Definition.Stages).Select(n => stages[n].Delay).DefaultIfEmpty(0).Max();
        stages.Remove(PipelineFile.SourceName);
        return new TemporalPlan(stages, total);
    }
}

/// <param name="Past">Frames the stage reads before the one it answers for.</param>
/// <param name="Future">Frames after it: its output's delay.</param>
/// <param name="Span">Past + 1 + Future.</param>
/// <param name="Delay">Frames its output lags the source by, summed along the slowest path.</param>
/// <param name="Field">Source frames one of its outputs depends on (receptive field in time).</param>
/// <param name="Unbounded">A stage on the path keeps state (a running average): every earlier frame counts a little.</param>
public readonly record struct StageTemporal(int Past, int Future, int Span, int Delay, int Field, bool Unbounded);
