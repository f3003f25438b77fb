using ConvStream.Engine.Memory;

namespace ConvStream.Engine.Simd;

/// <summary>
/// How the engine runs one plan: the vector width, the cores one call may use, the rows per band
/// when a frame is split across them, and the per-thread scratch each thread may keep. Immutable;
/// a plan (a <see cref="Ops.Conv.Conv2dPlan"/>, a video filter, a pipeline stage) is given one when
/// it is built and uses it for every call, so two plans with different settings run side by side
/// in one process. <see cref="Default"/> comes from <c>CONVSTREAM_SIMD</c> and
/// <c>CONVSTREAM_THREADS</c>; nothing changes it after start.
/// </summary>
public sealed record ExecutionSettings
{
    private readonly SimdLevel _level = Simd.Level;
    private readonly int _threads = ConvStream.Engine.Simd.Threads.Default;
    private readonly int _bandHeight;
    private readonly long _scratchFloats = ScratchArena.MaxCachedFloats;

    /// <summary>The process default: <see cref="Simd.Level"/> and <see cref="Threads.Default"/>, band height by work.</summary>
    public static ExecutionSettings Default { get; } = new();

    /// <summary>The vector width kernels run at; at most <see cref="Simd.Hardware"/>.</summary>
    public SimdLevel Level
    {
        get => _level;
        init => _level = value <= Simd.Hardware && Enum.IsDefined(value) ? value
            : throw new ConvStreamException($"SIMD level {value} is not one this machine runs (at most {Simd.Hardware})");
    }

    /// <summary>Cores one call may use (1 = the calling thread only).</summary>
    public int Threads
    {
        get => _threads;
        init => _threads = value >= 1 ? value : throw new ConvStreamException($"threads must be at least 1 but is {value}");
    }

    /// <summary>Rows per band for row-banded stages; 0 lets <see cref="For"/> size the bands by work.</summary>
    public int BandHeight
    {
        get => _bandHeight;
        init => _bandHeight = value >= 0 ? value : throw new ConvStreamException($"band height must be 0 (by work) or positive but is {value}");
    }

    /// <summary>
    /// The largest scratch lease (in floats) a call takes from its thread's arena (<see cref="ScratchArena"/>,
    /// kept for the thread's next call); larger requests get a one-off buffer. Lower it when many
    /// pipelines share a process.
    /// </summary>
    public long ScratchFloats
    {
        get => _scratchFloats;
        init => _scratchFloats = value >= 0 ? value : throw new ConvStreamException($"scratch must be at least 0 floats but is {value}");
    }

    /// <summary>Convolution outputs from this many bytes up are written with streaming stores (tests lower it to cover them).</summary>
    internal long StreamingMinBytes { get; init; } = Ops.Conv.StreamingOutput.DefaultMinBytes;

    /// <summary>
    /// When set, every split call of these settings uses this minimum work per task instead of its
    /// kind's (<see cref="SplitWork"/>): the split-cpu benchmark times splitting at every size this way.
    /// </summary>
    internal long? MinWorkPerTask { get; init; }

    private SplitWork Work(SplitWork work) => MinWorkPerTask is long min ? work with { MinPerTask = min } : work;

    /// <summary>The least multiply-adds a task of these settings gets (for kernels that decide before calling <see cref="For"/>).</summary>
    internal long MinMultiplyAddsPerTask => Work(SplitWork.MultiplyAdds(1)).MinPerTask;

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, count) on up to <see cref="Threads"/> cores (see <see cref="ConvStream.Engine.Simd.Threads.For"/>).</summary>
    public void For(int count, SplitWork workPerItem, Action<int, int> body) => ConvStream.Engine.Simd.Threads.For(_threads, count, Work(workPerItem), body);

    /// <summary>As <see cref="For(int, SplitWork, Action{int, int})"/> with the call's values in <paramref name="state"/>: allocation-free with a static lambda.</summary>
    public void For<TState>(int count, SplitWork workPerItem, TState state, Action<TState, int, int> body)
        => ConvStream.Engine.Simd.Threads.For(_threads, count, Work(workPerItem), state, body);

    /// <summary>As <see cref="ForRows{TState}"/> with a delegate made once (a stage's own row function).</summary>
    public void ForRows(int height, SplitWork workPerRow, Action<int, int> rows) => ForRows(height, workPerRow, rows, static (r, start, end) => r(start, end));

    /// <summary>
    /// Runs <paramref name="rows"/>(state, start, end) over the rows of a frame of <paramref name="height"/>
    /// rows in bands of <see cref="BandHeight"/> rows (by work when 0), grouped into at most
    /// <see cref="Threads"/> contiguous runs.
    /// </summary>
    public void ForRows<TState>(int height, SplitWork workPerRow, TState state, Action<TState, int, int> rows)
    {
        int bh = _bandHeight;
        if (bh <= 0 || bh >= height) { For(height, workPerRow, state, rows); return; }
        int bands = (height + bh - 1) / bh;
        For(bands, workPerRow with { PerItem = workPerRow.PerItem * bh }, (state, rows, bh, height),
            static (c, b0, b1) => c.rows(c.state, b0 * c.bh, Math.Min(c.height, b1 * c.bh)));
    }

    public override string ToString() => $"{_level}, {_threads} thread(s), band height {(_bandHeight == 0 ? "by work" : _bandHeight)}";
}
