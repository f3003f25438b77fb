using System.Diagnostics;
using ConvStream.Engine.Filters.Temporal;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Planning;

namespace ConvStream.Pipeline.Runtime;

/// <summary>
/// The loop of a temporal stage (<see cref="ITemporalFilter"/>): its input frames go into a
/// <see cref="TemporalWindow"/>, and each window whose frames have arrived is filtered into an
/// output stamped as the frame it answers for (its index, presentation time and capture time),
/// so an offline output keeps the input's frame count and timestamps, delayed by the window's
/// future frames. At the end of the stream the last windows are completed by the border rule and
/// flushed: no frame is lost. A gap in the frame indices (live: a frame dropped upstream) ends the
/// window's segment the same way, and the next frame starts a new one: a window never spans a gap.
/// A plan swapped in (<see cref="UpdateStageAsync"/>) takes over at the next input frame; if it
/// changes the window (span, mode or border rule), the old window is flushed with the old plan first.
/// </summary>
public sealed partial class PipelineRunner
{
    private async Task RunTemporalStageAsync(StageNode node)
    {
        var reader = node.Readers[0];
        var m = node.Metrics;
        bool live = _plan.Schedule.Mode == Files.ScheduleMode.Live;
        var plan = node.Current;
        var filter = (ITemporalFilter)plan.Filter;
        var window = NewWindow(filter, node.Plan, live);
        try
        {
            while (true)
            {
                PooledFrame? head;
                bool ended = false;
                while (!reader.TryRead(out head))
                    if (!await reader.WaitToReadAsync()) { ended = true; break; }
                if (ended) break;
                if (m.Measures(head!.Stamp.Index)) m.CountIn();
                if (_aborted) { head.Release(); continue; }
                long ready = head.ReadyTimestamp;
                if (plan.ConvertsInput[0]) head = Converted(head, plan);
                if (!ReferenceEquals(node.Current, plan))
                {
                    var next = (ITemporalFilter)node.Current.Filter;   // a replan keeps the op
                    if (!SameWindow(filter, next, live))
                    {
                        if (!await FlushAsync(node, filter, window, ready)) { head.Release(); return; }
                        window.Dispose();
                        window = NewWindow(next, node.Plan, live);
                    }
                    plan = node.Current;
                    filter = next;
                }
                if (window.Breaks(head.Stamp.Index) && !await FlushAsync(node, filter, window, ready)) { head.Release(); return; }
                window.Push(head);
                for (PooledFrame? centre; (centre = window.Next()) is not null;)
                    if (!await EmitTemporalAsync(node, filter, window, centre, ready)) return;
            }
            if (!_aborted && !await FlushAsync(node, filter, window, Stopwatch.GetTimestamp())) return;
            if (window.LongestSegment is > 0 and var n && n < window.Span)
                lock (_notes) _notes.Add($"stage '{node.Plan.Name}': the stream had {n} frame(s) in a row, fewer than the {window.Span} of its window; every window was completed by the {filter.TimeBorder.Name()} rule");
        }
        catch (Exception e)
        {
            Fault($"stage '{node.Plan.Name}'", e);
        }
        finally
        {
            window.Dispose();
            foreach (var w in node.Consumers) w.TryComplete();
            await DrainAsync(node.Readers);
        }
    }

    private TemporalWindow NewWindow(ITemporalFilter filter, PlannedStage stage, bool live)
    {
        var (past, future) = TemporalModes.Footprint(filter.Span, filter.Mode, live);
        return new TemporalWindow(past, future, filter.TimeBorder, Pool, stage.FilterInputs[0]);
    }

    private static bool SameWindow(ITemporalFilter a, ITemporalFilter b, bool live)
        => TemporalModes.Footprint(a.Span, a.Mode, live) == TemporalModes.Footprint(b.Span, b.Mode, live) && a.TimeBorder == b.TimeBorder;

    /// <summary>Answers for every frame left in the window's segment; false when the stage failed.</summary>
    private async ValueTask<bool> FlushAsync(StageNode node, ITemporalFilter filter, TemporalWindow window, long ready)
    {
        for (PooledFrame? centre; (centre = window.Flush()) is not null;)
            if (!await EmitTemporalAsync(node, filter, window, centre, ready)) return false;
        return true;
    }

    /// <summary>Filters one window into a new frame for the consumers; false when the stage failed (the fault is recorded).</summary>
    private async ValueTask<bool> EmitTemporalAsync(StageNode node, ITemporalFilter filter, TemporalWindow window, PooledFrame centre, long ready)
    {
        var m = node.Metrics;
        long start = Stopwatch.GetTimestamp();
        var output = Pool.Rent(node.Plan.Carried);
        output.Stamp = centre.Stamp;
        output.InheritTimes(centre);
        try
        {
            if (!node.Plan.ConvertsOutput) filter.Apply(window.Frames, output.Frame);
            else
            {
                var result = Pool.Rent(node.Plan.FilterOutput);
                try
                {
                    filter.Apply(window.Frames, result.Frame);
                    ToInterleaved(result.Frame, output.Frame);
                }
                finally { result.Release(); }
            }
        }
        catch (Exception e)
        {
            output.Release();
            Fault($"stage '{node.Plan.Name}'", e);
            return false;
        }
        long end = Stopwatch.GetTimestamp();
        output.Times[node.Plan.Slot] = new StageTime { QueueTicks = Math.Max(1, start - ready), ComputeTicks = Math.Max(1, end - start) };
        if (m.Measures(centre.Stamp.Index))
        {
            m.RecordStage(StageMetrics.TicksToNanoseconds(start - ready), StageMetrics.TicksToNanoseconds(end - start));
            m.CountOut();
        }
        output.ReadyTimestamp = end;
        var consumers = node.Consumers;
        if (consumers.Length == 0) { output.Release(); return true; }
        if (consumers.Length > 1) output.AddRef(consumers.Length - 1);
        foreach (var w in consumers)
            while (!w.TryWrite(output))
                if (!await w.WaitToWriteAsync()) { output.Release(); break; }
        return true;
    }

    /// <summary>
    /// An input frame converted to planar once, as it enters the window (every window it is in reads
    /// the planar copy); the copy takes over its stamp, times and reference.
    /// </summary>
    private PooledFrame Converted(PooledFrame head, PlannedStage stage)
    {
        var planar = Pool.Rent(stage.Inputs[0].AsPlanar);
        try { ToPlanar(head.Frame, planar); }
        catch { planar.Release(); head.Release(); throw; }
        planar.Stamp = head.Stamp;
        planar.ReadyTimestamp = head.ReadyTimestamp;
        planar.InheritTimes(head);
        head.Release();
        return planar;
    }

    /// <summary>
    /// The frames a stage is warmed up with: its inputs, or for a temporal stage its one input
    /// repeated to fill a window (the contents do not matter). A stateful stage then forgets the
    /// warm-up frame (<see cref="ITemporalFilter.Restart"/>) after the call.
    /// </summary>
    private static Frame[] WarmUpWindow(PlannedStage s, Frame[] inputs)
        => s.Filter is ITemporalFilter t ? Enumerable.Repeat(inputs[0], t.Span).ToArray() : inputs;
}
