using System.Diagnostics;
using System.Threading.Channels;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Temporal;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Metrics;
using ConvStream.Pipeline.Outputs;
using ConvStream.Pipeline.Planning;
using ConvStream.Stages;
using ConvStream.Stages.Tensors;
using ConvStream.Pipeline.Video;

namespace ConvStream.Pipeline.Runtime;

/// <summary>
/// Runs a planned pipeline: one long-running thread for the source, one per stage and one per
/// output (<see cref="NodeThread"/>), joined by
/// bounded channels (one per edge of the graph). Frames come from a <see cref="FramePool"/> and are
/// shared by reference count across branches. Offline, every queue waits and nothing is lost;
/// live, the source's queues hold the newest frame only and drop the oldest (counted, buffer back
/// to the pool). Nodes with several inputs (a magnitude, a mosaic) take the same frame index from
/// each, discarding older frames that a live drop left unpaired. The end of the source, or
/// cancellation (Ctrl+C: the source stops, everything in flight drains), completes the queues one
/// after the other; a node that throws stops the whole pipeline, every sink is still completed,
/// and <see cref="RunAsync"/> throws a <see cref="PipelineStageException"/> naming the node.
/// <para>
/// Every stage runs the plan it was built with (<see cref="PipelinePlan.Settings"/>: nothing
/// process-wide is read or changed, so several runners may share a process). While it runs, a
/// stage's keys can be changed with <see cref="UpdateStageAsync"/>: the new plan is built off the
/// frame path and swapped in between two frames; <see cref="GetStageParameters()"/> reads what
/// every stage runs with now.
/// </para>
/// </summary>
public sealed partial class PipelineRunner
{
    private readonly PipelinePlan _plan;
    private readonly IVideoSource _source;
    private readonly RunOptions _options;
    private readonly List<Channel<PooledFrame>> _channels = new();
    private readonly ChannelWriter<PooledFrame>[] _sourceConsumers;
    private readonly StageNode[] _stages;
    private readonly OutputNode[] _outputs;
    private readonly object _faultGate = new();
    private readonly List<string> _notes = new();
    private readonly SemaphoreSlim _updateGate = new(1, 1);
    private (string Node, Exception Error)? _fault;
    private volatile bool _aborted;
    private long _framesRead, _toPlanar, _toInterleaved;
    private long _measureStartTimestamp, _measureStartAllocated, _measureEndAllocated;
    private int _measureStartGc0, _measureStartGc1, _measureStartGc2;

    /// <param name="sinks">One sink per output of the plan, by output name; the runner opens and completes them.</param>
    public PipelineRunner(PipelinePlan plan, IVideoSource source, IReadOnlyDictionary<string, IVideoSink> sinks, RunOptions? options = null)
    {
        _plan = plan;
        _source = source;
        _options = options ?? new RunOptions();
        var info = source.Info;
        var f = plan.SourceFormat;
        if (info.Width != f.Width || info.Height != f.Height || info.Channels != f.Channels)
            throw new ConvStreamException($"{plan.Definition.FileName}: the plan expects {f.Width}x{f.Height}x{f.Channels} frames but the source gives {info.Width}x{info.Height}x{info.Channels}");

        Pool = new FramePool(plan.Stages.Count);
        SourceMetrics = new StageMetrics(PipelineFile.SourceName, "source", NodeKind.Source) { MeasureFrom = _options.WarmupFrames };

        // Every producer's consumers, by producer name; each consumer input is its own channel.
        var consumers = new Dictionary<string, List<ChannelWriter<PooledFrame>>> { [PipelineFile.SourceName] = new() };
        foreach (var s in plan.Stages) consumers[s.Name] = new();

        _stages = new StageNode[plan.Stages.Count];
        foreach (var s in plan.Stages)
        {
            var m = new StageMetrics(s.Name, s.Op, NodeKind.Stage) { MeasureFrom = _options.WarmupFrames };
            var readers = s.Definition.Inputs.Select(i => Connect(i, consumers[i], m)).ToArray();
            _stages[s.Slot] = new StageNode(s, m, readers);
        }
        _outputs = new OutputNode[plan.Outputs.Count];
        for (int o = 0; o < plan.Outputs.Count; o++)
        {
            var po = plan.Outputs[o];
            if (!sinks.TryGetValue(po.Name, out var sink))
                throw new ConvStreamException($"{plan.Definition.FileName}: output '{po.Name}' has no sink");
            var m = new StageMetrics(po.Name, po.Definition.Kind.ToString().ToLowerInvariant(), NodeKind.Output) { MeasureFrom = _options.WarmupFrames };
            var readers = po.Definition.Stages.Select(i => Connect(i, consumers[i], m)).ToArray();
            var composer = po.Definition.Kind == OutputKind.Mosaic ? new MosaicComposer(po.Inputs, po.Display) : null;
            _outputs[o] = new OutputNode(po, m, readers, sink, composer);
        }
        _sourceConsumers = consumers[PipelineFile.SourceName].ToArray();
        foreach (var s in _stages) s.Consumers = consumers[s.Plan.Name].ToArray();
        Nodes = [SourceMetrics, .. _stages.Select(s => s.Metrics), .. _outputs.Select(o => o.Metrics)];
    }

    public FramePool Pool { get; }
    public StageMetrics SourceMetrics { get; }
    /// <summary>Source, stages in dependency order, then outputs.</summary>
    public IReadOnlyList<StageMetrics> Nodes { get; }
    public long FramesRead => Interlocked.Read(ref _framesRead);
    /// <summary>What the user should know about the run that is not an error (a clip shorter than a temporal window).</summary>
    public IReadOnlyList<string> Notes { get { lock (_notes) return _notes.ToArray(); } }
    /// <summary>Frames every output has written (the slowest output's count).</summary>
    public long FramesWritten => _outputs.Length == 0 ? FramesRead : _outputs.Min(o => o.Metrics.FramesOut);

    private ChannelReader<PooledFrame> Connect(string producer, List<ChannelWriter<PooledFrame>> producerConsumers, StageMetrics consumer)
    {
        var schedule = _plan.Schedule;
        bool dropping = producer == PipelineFile.SourceName && schedule.Drop == DropPolicy.DropOldest;
        var options = new BoundedChannelOptions(schedule.Capacity)
        {
            FullMode = dropping ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
            AllowSynchronousContinuations = false,
        };
        var channel = dropping
            ? Channel.CreateBounded<PooledFrame>(options, dropped =>
            {
                // A live queue overflowed: the oldest frame is discarded unprocessed, counted, and its buffer goes back to the pool.
                if (consumer.Measures(dropped.Stamp.Index)) consumer.CountDropped();
                dropped.Release();
            })
            : Channel.CreateBounded<PooledFrame>(options);
        _channels.Add(channel);
        producerConsumers.Add(channel.Writer);
        return channel.Reader;
    }

    /// <summary>Runs until the source ends, <paramref name="cancellationToken"/> fires (then drains) or a node fails (then throws).</summary>
    public async Task<RunSummary> RunAsync(CancellationToken cancellationToken = default)
    {
        PipelineMeter.Attach(Nodes);
        var started = Stopwatch.GetTimestamp();
        _measureStartTimestamp = 0;
        try
        {
            // Before any output opens, so a stage that fails here leaves no file to finish.
            ReserveFrames();
            WarmUp();
            foreach (var o in _outputs)
            {
                try { await o.Sink.OpenAsync(o.Plan.Display.Width, o.Plan.Display.Height, o.Plan.Display.Channels, _source.Info, cancellationToken).ConfigureAwait(false); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    foreach (var other in _outputs) await CompleteQuietly(other.Sink).ConfigureAwait(false);
                    // Interrupted while opening (an encoder's probe killed by Ctrl+C): that is not the output's fault.
                    cancellationToken.ThrowIfCancellationRequested();
                    throw Named($"output '{o.Plan.Name}'", e);
                }
            }
            var tasks = new List<Task>();
            foreach (var s in _stages)
                tasks.Add(NodeThread.Run($"stage {s.Plan.Name}", () => s.Current.Filter is ITemporalFilter ? RunTemporalStageAsync(s) : RunStageAsync(s)));
            foreach (var o in _outputs) tasks.Add(NodeThread.Run($"output {o.Plan.Name}", () => RunOutputAsync(o)));
            tasks.Add(NodeThread.Run("source", () => RunSourceAsync(cancellationToken)));
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        finally
        {
            PipelineMeter.Detach(Nodes);
        }
        long ended = Stopwatch.GetTimestamp();
        SourceMetrics.AddDropped(_source.DroppedFrames);
        if (_fault is { } fault) throw Named(fault.Node, fault.Error);

        long measuredFrom = _measureStartTimestamp != 0 ? _measureStartTimestamp : started;
        long measuredFrames = Math.Max(0, FramesRead - _options.WarmupFrames);
        return new RunSummary
        {
            Nodes = Nodes,
            FramesRead = FramesRead,
            MeasuredFrames = measuredFrames,
            Elapsed = Stopwatch.GetElapsedTime(started, ended),
            MeasuredElapsed = Stopwatch.GetElapsedTime(measuredFrom, ended),
            Cancelled = cancellationToken.IsCancellationRequested,
            AllocatedBytes = _measureStartTimestamp != 0 ? _measureEndAllocated - _measureStartAllocated : 0,
            GcCollections = _measureStartTimestamp != 0
                ? (GC.CollectionCount(0) - _measureStartGc0, GC.CollectionCount(1) - _measureStartGc1, GC.CollectionCount(2) - _measureStartGc2)
                : (0, 0, 0),
            Schedule = _plan.Schedule,
            PoolFrames = Pool.Created,
        };
    }

    /// <summary>
    /// Runs every stage once on pooled frames before the source starts. The first call of a stage
    /// JIT-compiles its kernels and fills its scratch pools: 40–250 ms measured at 1080p
    /// (`convstream run filters/pipelines/bench.json --live --input test:1920x1080@30`), which in
    /// live mode dropped the first 9 camera frames. The frames' contents do not matter.
    /// </summary>
    private void WarmUp()
    {
        foreach (var node in _stages)
        {
            var s = node.Current;
            var formats = s.FilterInputs;
            var inputs = new PooledFrame[formats.Length];
            var frames = new Frame[formats.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = Pool.Rent(formats[i]);
                frames[i] = inputs[i].Frame;
                frames[i].Bytes.Clear();
            }
            var output = Pool.Rent(s.FilterOutput);
            try
            {
                s.Filter.Apply(WarmUpWindow(s, frames), output.Frame);
            }
            catch (Exception e)
            {
                throw Named($"stage '{s.Name}'", e);
            }
            finally
            {
                output.Release();
                foreach (var f in inputs) f.Release();
            }
            (s.Filter as ITemporalFilter)?.Restart();
        }
    }

    /// <summary>
    /// Allocates, before the first frame, the frames a steady run keeps in flight: per producer a
    /// full queue plus the one being computed and the one being read; per converting output its
    /// display frame. Growing the pool later would page-fault fresh memory (~20 ms per 1080p frame)
    /// in the middle of a run; the pool still grows if a schedule needs more.
    /// </summary>
    private void ReserveFrames()
    {
        var need = new Dictionary<FrameFormat, int>();
        void Add(FrameFormat f, int n) => need[f] = need.GetValueOrDefault(f) + n;
        int perProducer = _plan.Schedule.Capacity + 2;
        Add(_plan.SourceFormat, perProducer);
        foreach (var s in _plan.Stages)
        {
            Add(s.Carried, perProducer);
            // A temporal window holds up to Span input frames (and a black frame for the zeros rule) besides the queues.
            if (s.Filter is ITemporalFilter t) Add(s.FilterInputs[0], t.Span + (t.TimeBorder == Engine.Geometry.BorderMode.Zeros ? 1 : 0));
            // The planar frames a stage's conversions go through while it computes.
            foreach (var f in s.FilterInputs.Where((_, i) => s.ConvertsInput[i])) Add(f, 1);
            if (s.ConvertsOutput) Add(s.FilterOutput, 1);
        }
        foreach (var o in _outputs)
            if (o.Composer is not null || o.Plan.Inputs[0].Depth != PixelDepth.U8) Add(o.Plan.Display, 1);
        // A tap keeps the newest frame of each node it watches, plus one it is reading.
        if (_options.FrameTap is not null)
        {
            Add(_plan.SourceFormat, 2);
            foreach (var st in _plan.Stages) Add(st.Carried, 2);
        }
        foreach (var (format, count) in need) Pool.Reserve(format, count);
    }

    private async Task RunSourceAsync(CancellationToken cancellationToken)
    {
        var format = _plan.SourceFormat;
        try
        {
            while (!_aborted && !cancellationToken.IsCancellationRequested && (_options.MaxFrames is not long max || FramesRead < max))
            {
                if (FramesRead == _options.WarmupFrames) StartMeasuring();
                var frame = Pool.Rent(format);
                FrameStamp? stamp;
                try { stamp = await _source.ReadAsync(frame.Frame, cancellationToken); }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { frame.Release(); break; }
                catch (Exception e) { frame.Release(); SourceFailed(e); break; }
                if (stamp is not FrameStamp st) { frame.Release(); break; }
                frame.Stamp = st;
                Interlocked.Increment(ref _framesRead);
                if (SourceMetrics.Measures(st.Index)) SourceMetrics.CountOut();
                frame.ReadyTimestamp = Stopwatch.GetTimestamp();
                _options.FrameTap?.OnFrame(PipelineFile.SourceName, frame);
                var consumers = _sourceConsumers;
                if (consumers.Length == 0) frame.Release();
                else
                {
                    if (consumers.Length > 1) frame.AddRef(consumers.Length - 1);
                    foreach (var w in consumers)
                        while (!w.TryWrite(frame))
                            if (!await w.WaitToWriteAsync()) { frame.Release(); break; }
                }
            }
        }
        finally
        {
            // Steady state ends with the last frame read: what the run allocates to wind down
            // (completing queues and node threads, ~17 KB once) is not a per-frame cost.
            if (_measureStartTimestamp != 0) _measureEndAllocated = GC.GetTotalAllocatedBytes(true);
            foreach (var w in _sourceConsumers) w.TryComplete();
        }
    }

    private void StartMeasuring()
    {
        _measureStartGc0 = GC.CollectionCount(0);
        _measureStartGc1 = GC.CollectionCount(1);
        _measureStartGc2 = GC.CollectionCount(2);
        _measureStartAllocated = GC.GetTotalAllocatedBytes(true);
        _measureStartTimestamp = Stopwatch.GetTimestamp();
    }

    private async Task RunStageAsync(StageNode node)
    {
        var readers = node.Readers;
        var heads = new PooledFrame?[readers.Length];
        var frames = new Frame[readers.Length];
        var converted = new PooledFrame?[readers.Length];
        var m = node.Metrics;
        int slot = node.Plan.Slot;
        var tag = new KeyValuePair<string, object?>("stage", node.Plan.Name);
        try
        {
            while (true)
            {
                // One frame per input, then inputs that are behind catch up until all hold the same frame index.
                // (Inlined rather than in helpers: an async helper that suspends allocates its state each time.)
                bool ended = false;
                for (int i = 0; i < readers.Length && !ended; i++)
                {
                    PooledFrame? next;
                    while (!readers[i].TryRead(out next))
                        if (!await readers[i].WaitToReadAsync()) { ended = true; break; }
                    heads[i] = next;
                }
                for (int behind; !ended && (behind = ReleaseOneBehind(heads, m)) >= 0;)
                {
                    PooledFrame? next;
                    while (!readers[behind].TryRead(out next))
                        if (!await readers[behind].WaitToReadAsync()) { ended = true; break; }
                    heads[behind] = next;
                }
                if (ended) break;
                long start = Stopwatch.GetTimestamp();
                long ready = 0;
                foreach (var h in heads) ready = Math.Max(ready, h!.ReadyTimestamp);
                var stamp = heads[0]!.Stamp;
                bool measured = m.Measures(stamp.Index);
                if (measured) m.CountIn();
                if (_aborted) { ReleaseAll(heads); continue; }

                var output = Pool.Rent(node.Plan.Carried);
                output.Stamp = stamp;
                for (int i = 0; i < heads.Length; i++)
                {
                    output.InheritTimes(heads[i]!);
                    frames[i] = heads[i]!.Frame;
                }
                try
                {
                    // One read of the stage's plan per frame: a swap lands between two frames, never inside one.
                    Apply(node.Current, frames, converted, output);
                }
                catch (Exception e)
                {
                    output.Release();
                    ReleaseAll(converted);
                    ReleaseAll(heads);
                    Fault($"stage '{node.Plan.Name}'", e);
                    break;
                }
                long end = Stopwatch.GetTimestamp();
                ReleaseAll(heads);
                // At least one tick each, so a stage on the path is never mistaken for one that is not.
                output.Times[slot] = new StageTime { QueueTicks = Math.Max(1, start - ready), ComputeTicks = Math.Max(1, end - start) };
                if (measured)
                {
                    long queueNs = StageMetrics.TicksToNanoseconds(start - ready), computeNs = StageMetrics.TicksToNanoseconds(end - start);
                    m.RecordStage(queueNs, computeNs);
                    if (PipelineMeter.ComputeMs.Enabled) PipelineMeter.ComputeMs.Record(computeNs / 1e6, tag);
                    if (PipelineMeter.QueueMs.Enabled) PipelineMeter.QueueMs.Record(queueNs / 1e6, tag);
                    m.CountOut();
                }
                output.ReadyTimestamp = end;
                _options.FrameTap?.OnFrame(node.Plan.Name, output);
                var consumers = node.Consumers;
                if (consumers.Length == 0) output.Release();
                else
                {
                    if (consumers.Length > 1) output.AddRef(consumers.Length - 1);
                    foreach (var w in consumers)
                        while (!w.TryWrite(output))
                            if (!await w.WaitToWriteAsync()) { output.Release(); break; }
                }
            }
        }
        catch (Exception e)
        {
            Fault($"stage '{node.Plan.Name}'", e);
        }
        finally
        {
            ReleaseAll(heads);
            foreach (var w in node.Consumers) w.TryComplete();
            await DrainAsync(readers);
        }
    }

    /// <summary>
    /// Runs <paramref name="stage"/>'s filter on <paramref name="frames"/> into <paramref name="output"/>,
    /// with the layout conversions the plan put around it: inputs converted to planar in pooled frames
    /// (held in <paramref name="converted"/> until released), and a planar result converted into the output.
    /// </summary>
    private void Apply(PlannedStage stage, Frame[] frames, PooledFrame?[] converted, PooledFrame output)
    {
        var conversions = stage.ConvertsInput;
        for (int i = 0; i < frames.Length; i++)
            if (conversions[i]) frames[i] = ToPlanar(frames[i], converted[i] = Pool.Rent(stage.Inputs[i].AsPlanar));
        if (!stage.ConvertsOutput) stage.Filter.Apply(frames, output.Frame);
        else
        {
            var result = Pool.Rent(stage.FilterOutput);
            try
            {
                stage.Filter.Apply(frames, result.Frame);
                ToInterleaved(result.Frame, output.Frame);
            }
            finally { result.Release(); }
        }
        ReleaseAll(converted);
    }

    private Frame ToPlanar(Frame source, PooledFrame planar)
    {
        FrameConvert.ToTensor(source, planar.Frame.Planes, _plan.Settings);
        Interlocked.Increment(ref _toPlanar);
        return planar.Frame;
    }

    private void ToInterleaved(Frame planar, Frame output)
    {
        FrameConvert.FromTensor(planar.Planes, output, _plan.Settings);
        Interlocked.Increment(ref _toInterleaved);
    }

    /// <summary>Frames converted to planar layout so far (the plan's <see cref="PipelinePlan.Conversions"/> into planar, once per frame each).</summary>
    public long ConversionsToPlanar => Interlocked.Read(ref _toPlanar);

    /// <summary>Planar results converted back to interleaved frames so far.</summary>
    public long ConversionsToInterleaved => Interlocked.Read(ref _toInterleaved);

    private async Task RunOutputAsync(OutputNode node)
    {
        var readers = node.Readers;
        var heads = new PooledFrame?[readers.Length];
        var frames = new Frame[readers.Length];
        var m = node.Metrics;
        var tag = new KeyValuePair<string, object?>("output", node.Plan.Name);
        try
        {
            while (true)
            {
                // One frame per input, then inputs that are behind catch up until all hold the same frame index.
                // (Inlined rather than in helpers: an async helper that suspends allocates its state each time.)
                bool ended = false;
                for (int i = 0; i < readers.Length && !ended; i++)
                {
                    PooledFrame? next;
                    while (!readers[i].TryRead(out next))
                        if (!await readers[i].WaitToReadAsync()) { ended = true; break; }
                    heads[i] = next;
                }
                for (int behind; !ended && (behind = ReleaseOneBehind(heads, m)) >= 0;)
                {
                    PooledFrame? next;
                    while (!readers[behind].TryRead(out next))
                        if (!await readers[behind].WaitToReadAsync()) { ended = true; break; }
                    heads[behind] = next;
                }
                if (ended) break;
                var stamp = heads[0]!.Stamp;
                bool measured = m.Measures(stamp.Index);
                if (measured) m.CountIn();
                if (_aborted) { ReleaseAll(heads); continue; }
                PooledFrame? display = null;
                Frame shown;
                if (node.Composer is { } composer)
                {
                    for (int i = 0; i < heads.Length; i++) frames[i] = heads[i]!.Frame;
                    display = Pool.Rent(node.Plan.Display);
                    composer.Compose(frames, display.Frame);
                    shown = display.Frame;
                }
                else if (DisplayConverter.NeedsConversion(heads[0]!.Frame))
                {
                    display = Pool.Rent(node.Plan.Display);
                    DisplayConverter.Convert(heads[0]!.Frame, display.Frame);
                    shown = display.Frame;
                }
                else shown = heads[0]!.Frame;

                try
                {
                    await node.Sink.WriteAsync(shown, stamp, CancellationToken.None);
                }
                catch (Exception e)
                {
                    display?.Release();
                    ReleaseAll(heads);
                    Fault($"output '{node.Plan.Name}'", e);
                    break;
                }
                display?.Release();
                if (_options.OutputObserver is { } observe)
                {
                    // A mosaic's tiles came along different paths: merge them (each stage has its own slot).
                    var times = heads[0]!.Times;
                    if (heads.Length > 1)
                    {
                        times = node.MergedTimes ??= new StageTime[times.Length];
                        Array.Clear(times);
                        foreach (var h in heads)
                            for (int i = 0; i < times.Length; i++) if (h!.Times[i].IsSet) times[i] = h.Times[i];
                    }
                    observe(node.Plan.Name, stamp, times);
                }
                ReleaseAll(heads);
                if (measured)
                {
                    long now = Stopwatch.GetTimestamp(), ageNs = StageMetrics.TicksToNanoseconds(now - stamp.CaptureTimestamp);
                    m.RecordOutput(ageNs, now);
                    if (PipelineMeter.AgeMs.Enabled) PipelineMeter.AgeMs.Record(ageNs / 1e6, tag);
                    m.CountOut();
                }
            }
        }
        catch (Exception e)
        {
            Fault($"output '{node.Plan.Name}'", e);
        }
        finally
        {
            ReleaseAll(heads);
            await DrainAsync(readers);
            try { await node.Sink.CompleteAsync(CancellationToken.None); }
            catch (Exception e) { Fault($"output '{node.Plan.Name}'", e); }
        }
    }

    /// <summary>
    /// When the inputs' frames differ in index (a live queue dropped a frame on one branch), releases
    /// the oldest one (counted as a drop here) and returns its input, which must read again; -1 when
    /// all inputs hold the same frame index.
    /// </summary>
    private static int ReleaseOneBehind(PooledFrame?[] heads, StageMetrics m)
    {
        if (heads.Length == 1) return -1;
        long newest = long.MinValue;
        foreach (var h in heads) newest = Math.Max(newest, h!.Stamp.Index);
        for (int i = 0; i < heads.Length; i++)
        {
            if (heads[i]!.Stamp.Index >= newest) continue;
            if (m.Measures(heads[i]!.Stamp.Index)) m.CountDropped();
            heads[i]!.Release();
            heads[i] = null;
            return i;
        }
        return -1;
    }

    private static async Task DrainAsync(ChannelReader<PooledFrame>[] readers)
    {
        foreach (var r in readers)
            while (await r.WaitToReadAsync())
                while (r.TryRead(out var f)) f.Release();
    }

    private static void ReleaseAll(PooledFrame?[] heads)
    {
        for (int i = 0; i < heads.Length; i++)
        {
            heads[i]?.Release();
            heads[i] = null;
        }
    }

    /// <summary>
    /// Stops at once without an error (a second Ctrl+C or SIGTERM): frames still queued are
    /// released unprocessed, the source stops, and every sink is completed as at the end of a run.
    /// </summary>
    public void Abort()
    {
        _aborted = true;
        foreach (var c in _channels) c.Writer.TryComplete();
    }

    /// <summary>
    /// The source failed (a decoder died, a damaged file): the frames it already delivered are
    /// still in the queues and reach every output, as at the end of the stream; the error is
    /// reported once they have. Unlike a failing stage, nothing downstream is broken.
    /// </summary>
    private void SourceFailed(Exception error)
    {
        lock (_faultGate) _fault ??= (PipelineFile.SourceName, error);
    }

    /// <summary>Records the first failure and closes every queue so every node winds down.</summary>
    private void Fault(string node, Exception error)
    {
        lock (_faultGate) _fault ??= (node, error);
        _aborted = true;
        foreach (var c in _channels) c.Writer.TryComplete();
    }

    private static PipelineStageException Named(string node, Exception e)
        => e is PipelineStageException p ? p : new PipelineStageException(node,
            e is ConvStreamException ? $"{node} failed: {e.Message}" : $"{node} failed: {e.GetType().Name}: {e.Message}", e);

    private static async ValueTask CompleteQuietly(IVideoSink sink)
    {
        try { await sink.CompleteAsync(CancellationToken.None); }
        catch (Exception) { /* the open failure is the error worth reporting */ }
    }

    /// <summary>
    /// What every stage runs with now, in dependency order: its keys as given, every key its op
    /// accepts with the value in force, and its output format.
    /// </summary>
    public IReadOnlyList<StageParameters> GetStageParameters() => _stages.Select(n => StageParameters.Of(n.Current)).ToArray();

    /// <summary>What stage <paramref name="stage"/> runs with now; throws a <see cref="ConvStreamException"/> for an unknown name.</summary>
    public StageParameters GetStageParameters(string stage) => StageParameters.Of(Find(stage).Current);

    /// <summary>
    /// Changes keys of a stage, running or not. <paramref name="keys"/> are merged over the stage's
    /// current keys (an empty value removes a key, so the op's default applies). The new plan is built
    /// and run once on blank frames off the frame path (on a pool thread), then swapped in: every frame
    /// the stage starts after the returned task completes uses it, a frame in flight finishes with
    /// the old one, and no frame is lost or computed half with each. Bad keys throw the
    /// <see cref="ConvStreamException"/> the pipeline file would give ("demo.json: stage 'blur': key
    /// 'size' must be …"), and so do keys that would change the stage's output format; the running plan
    /// is then left as it was. Updates are applied one at a time; safe to call from any thread.
    /// </summary>
    /// <returns>The stage's parameters now in force.</returns>
    public async Task<StageParameters> UpdateStageAsync(string stage, IReadOnlyDictionary<string, string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var node = Find(stage);
        await _updateGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = node.Current;
            var merged = new Dictionary<string, string>(current.Definition.Keys, StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in keys)
            {
                if (string.IsNullOrEmpty(value)) merged.Remove(key);
                else merged[key] = value;
            }
            var next = await Task.Run(() =>
            {
                var planned = _plan.Replan(current, merged);
                WarmUpOffPath(planned);
                return planned;
            }, cancellationToken).ConfigureAwait(false);
            node.Current = next;
            return StageParameters.Of(next);
        }
        finally { _updateGate.Release(); }
    }

    private StageNode Find(string stage)
        => _stages.FirstOrDefault(s => s.Current.Name == stage)
           ?? throw new ConvStreamException($"{_plan.Definition.FileName}: no stage '{stage}'; the stages are {string.Join(", ", _stages.Select(s => s.Current.Name))}");

    /// <summary>Runs a new plan once on blank frames of its own (not the pool's), so its first frame on the path is warm.</summary>
    private static void WarmUpOffPath(PlannedStage s)
    {
        var frames = s.FilterInputs.Select(f => f.Allocate()).ToArray();
        try { s.Filter.Apply(WarmUpWindow(s, frames), s.FilterOutput.Allocate()); (s.Filter as ITemporalFilter)?.Restart(); }
        catch (ConvStreamException e) { throw new ConvStreamException($"stage '{s.Name}': {e.Message}", e); }
    }

    private sealed class StageNode(PlannedStage plan, StageMetrics metrics, ChannelReader<PooledFrame>[] readers)
    {
        private volatile PlannedStage _current = plan;
        /// <summary>As planned; its slot, formats and name never change.</summary>
        public PlannedStage Plan { get; } = plan;
        /// <summary>The plan the stage runs now (replaced whole by <see cref="UpdateStageAsync"/>).</summary>
        public PlannedStage Current { get => _current; set => _current = value; }
        public StageMetrics Metrics { get; } = metrics;
        public ChannelReader<PooledFrame>[] Readers { get; } = readers;
        public ChannelWriter<PooledFrame>[] Consumers { get; set; } = [];
    }

    private sealed record OutputNode(PlannedOutput Plan, StageMetrics Metrics, ChannelReader<PooledFrame>[] Readers, IVideoSink Sink, MosaicComposer? Composer)
    {
        public StageTime[]? MergedTimes { get; set; }
    }
}
