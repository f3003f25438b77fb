using System.Runtime.ExceptionServices;

namespace ConvStream.Engine.Simd;

/// <summary>
/// Splitting one call's rows across cores. <c>CONVSTREAM_THREADS</c> sets <see cref="Default"/>
/// (the default of <see cref="ExecutionSettings.Threads"/>); each plan says how many it uses.
/// Row bands smaller than <see cref="MinWorkPerTask"/> multiply-adds are not split, because a task
/// costs a few microseconds to schedule.
/// </summary>
public static class Threads
{
    /// <summary><c>CONVSTREAM_THREADS</c> when it is a positive integer, else every core.</summary>
    public static int Default { get; } = FromEnvironment();

    /// <summary>Below this much work (multiply-adds) a band is not worth a task of its own.</summary>
    public const long MinWorkPerTask = 1L << 16;

    private static int FromEnvironment()
    {
        string? s = Environment.GetEnvironmentVariable("CONVSTREAM_THREADS");
        return int.TryParse(s, out int n) && n > 0 ? n : Environment.ProcessorCount;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(start, end) over [0, count) split into at most
    /// <paramref name="threads"/> contiguous ranges, each worth at least <see cref="MinWorkPerTask"/>.
    /// </summary>
    public static void For(int threads, int count, long workPerItem, Action<int, int> body)
        => For(threads, count, workPerItem, body, static (b, start, end) => b(start, end));

    /// <summary>
    /// Runs <paramref name="body"/>(state, start, end) over [0, count) on at most
    /// <paramref name="threads"/> threads, split into up to <see cref="RangesPerThread"/> contiguous
    /// ranges per thread (range p is [count·p/parts, count·(p+1)/parts)), each worth at least
    /// <see cref="MinWorkPerTask"/>. The caller runs ranges too, and any range no band worker has
    /// taken yet, so a call never waits for a worker to wake. Allocates nothing in steady state: pass a static lambda
    /// and the call's values as <paramref name="state"/> (a struct or a tuple), not a closure.
    /// The first exception of any range is rethrown as it was, after every range has finished.
    /// </summary>
    public static void For<TState>(int threads, int count, long workPerItem, TState state, Action<TState, int, int> body)
    {
        if (count <= 0) return;
        long total = Math.Max(1, workPerItem) * count;
        int takers = (int)Math.Clamp(total / MinWorkPerTask, 1, Math.Min(threads, count));
        if (takers <= 1) { body(state, 0, count); return; }
        int parts = (int)Math.Clamp(total / MinWorkPerTask, takers, Math.Min(takers * RangesPerThread, count));
        BandJob<TState>.Run(count, parts, takers - 1, state, body);
    }

    /// <summary>
    /// Ranges per thread a split call is cut into, claimed one at a time: a band worker that wakes
    /// late (or is preempted: two cores shared with other jobs) leaves its ranges to the caller and
    /// the other workers instead of making them wait for half a frame. Range boundaries cost each
    /// band its border rows again (a 9×9 filter on 1080p: 8 of 135 rows per range).
    /// </summary>
    public const int RangesPerThread = 4;

    /// <summary>Work a band worker runs.</summary>
    private interface IBandWork { void Execute(); }

    /// <summary>
    /// The threads that run the ranges a caller does not run itself: one per core, started on first
    /// use, kept for the life of the process (background threads). Not the thread pool: pool threads
    /// come and go, and each new one would fill its own scratch (<see cref="Memory.PinnedScratch"/>),
    /// an allocation and fresh-page faults in the middle of a run; these keep theirs warm.
    /// </summary>
    private static class BandWorkers
    {
        private static readonly Queue<IBandWork> Work = new();
        private static int _started;

        public static void Queue(IBandWork work)
        {
            if (Volatile.Read(ref _started) == 0) Start();
            lock (Work)
            {
                Work.Enqueue(work);
                Monitor.Pulse(Work);
            }
        }

        private static void Start()
        {
            lock (Work)
            {
                if (_started != 0) return;
                for (int i = 0; i < Environment.ProcessorCount; i++)
                    new Thread(Loop) { IsBackground = true, Name = $"convstream band {i}" }.Start();
                Volatile.Write(ref _started, 1);
            }
        }

        private static void Loop()
        {
            while (true)
            {
                IBandWork work;
                lock (Work)
                {
                    while (Work.Count == 0) Monitor.Wait(Work);
                    work = Work.Dequeue();
                }
                work.Execute();
            }
        }
    }

    /// <summary>
    /// One split call: queued to the band workers once per extra thread (the same object each time);
    /// every taker, the caller included, claims the next unclaimed range until none is left. Jobs
    /// are pooled per state type; a job goes back to the pool when the last of the caller and its
    /// queued items has let go of it, so a late pool item never sees the next call's state.
    /// </summary>
    private sealed class BandJob<TState> : IBandWork
    {
        // A locked array stack: ConcurrentStack would allocate a node on every push.
        private static readonly Stack<BandJob<TState>> Pool = new();

        private readonly ManualResetEventSlim _done = new(false, spinCount: 200);
        private TState _state = default!;
        private Action<TState, int, int> _body = null!;
        private int _count, _parts, _next, _finished, _holders;
        private ExceptionDispatchInfo? _error;

        public static void Run(int count, int parts, int workers, TState state, Action<TState, int, int> body)
        {
            BandJob<TState>? job;
            lock (Pool) Pool.TryPop(out job);
            job ??= new BandJob<TState>();
            job._state = state; job._body = body; job._count = count; job._parts = parts;
            job._next = 0; job._finished = 0; job._error = null; job._holders = workers + 1;
            job._done.Reset();
            for (int i = 0; i < workers; i++) BandWorkers.Queue(job);
            job.RunRanges();
            job._done.Wait();
            var error = job._error;
            job.Release();
            error?.Throw();
        }

        public void Execute()
        {
            RunRanges();
            Release();
        }

        private void RunRanges()
        {
            for (int p; (p = Interlocked.Increment(ref _next) - 1) < _parts;)
            {
                try
                {
                    int start = (int)((long)_count * p / _parts), end = (int)((long)_count * (p + 1) / _parts);
                    if (end > start) _body(_state, start, end);
                }
                catch (Exception e) { Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null); }
                if (Interlocked.Increment(ref _finished) == _parts) _done.Set();
            }
        }

        private void Release()
        {
            if (Interlocked.Decrement(ref _holders) != 0) return;
            _state = default!;
            _body = null!;
            lock (Pool) Pool.Push(this);
        }
    }
}
