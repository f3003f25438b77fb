using System.Diagnostics;
using System.Threading.Channels;
using ConvStream.Engine.Filters.Temporal;
using ConvStream.Engine.Geometry;
using ConvStream.Pipeline.Metrics;

namespace ConvStream.Pipeline.Runtime;

/// <summary>
/// The loop of a temporal stage (<see cref="ITemporalFilter"/>): its input frames go into a
/// <see cref="TemporalWindow"/>, and each window whose frames have arrived is filtered into an
/// output stamped as the frame it answers for (its index, presentation time and capture time),
/// so an offline output keeps the input's frame count and timestamps, delayed by the window's
/// future frames. At the end of the stream the last windows are completed by the border rule and
/// flushed: no frame is lost. A gap in the frame indices (live: a frame dropped upstream) ends the
/// window's segment the same way, and the next frame starts a new one: a window never spans a gap.
/// </summary>
public sealed partial class PipelineRunner
{
    private async Task RunTemporalStageAsync(StageNode node, ITemporalFilter filter)
    {
        var reader = node.Readers[0];
        var m = node.Metrics;
        var (past, future) = TemporalModes.Footprint(filter.Span, filter.Mode, _plan.Schedule.Mode == Files.ScheduleMode.Live);
        using var window = new TemporalWindow(past, future, filter.TimeBorder, Pool, node.Plan.Inputs[0]);
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
                if (window.Breaks(head.Stamp.Index))
                    for (PooledFrame? centre; (centre = window.Flush()) is not null;)
                        if (!await EmitTemporalAsync(node, filter, window, centre, ready)) return;
                window.Push(head);
                for (PooledFrame? centre; (centre = window.Next()) is not null;)
                    if (!await EmitTemporalAsync(node, filter, window, centre, ready)) return;
            }
            if (!_aborted)
                for (PooledFrame? centre; (centre = window.Flush()) is not null;)
                    if (!await EmitTemporalAsync(node, filter, window, centre, Stopwatch.GetTimestamp())) return;
            if (window.LongestSegment is > 0 and var n && n < window.Span)
                lock (_notes) _notes.Add($"stage '{node.Plan.Name}': the stream had {n} frame(s) in a row, fewer than the {window.Span} of its window; every window was completed by the {filter.TimeBorder.Name()} rule");
        }
        catch (Exception e)
        {
            Fault($"stage '{node.Plan.Name}'", e);
        }
        finally
        {
            foreach (var w in node.Consumers) w.TryComplete();
            await DrainAsync(node.Readers);
        }
    }

    /// <summary>Filters one window into a new frame for the consumers; false when the stage failed (the fault is recorded).</summary>
    private async ValueTask<bool> EmitTemporalAsync(StageNode node, ITemporalFilter filter, TemporalWindow window, PooledFrame centre, long ready)
    {
        var m = node.Metrics;
        long start = Stopwatch.GetTimestamp();
        var output = Pool.Rent(node.Plan.Output);
        output.Stamp = centre.Stamp;
        output.InheritTimes(centre);
        try
        {
            filter.Apply(window.Frames, output.Frame);
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
            m.QueueWait.Record(StageMetrics.TicksToNanoseconds(start - ready));
            m.Compute.Record(StageMetrics.TicksToNanoseconds(end - start));
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
}
