using System.Runtime.ExceptionServices;

namespace ConvStream.Engine.Simd;

/// <summary>
/// Splitting one call's rows across cores. <c>CONVSTREAM_THREADS</c> sets <see cref="Default"/>
/// (the default of <see cref="ExecutionSettings.Threads"/>); each plan says how many it uses.
/// A call is split only when each task gets at least its kind of op's minimum work
/// (<see cref="SplitWork"/>: <see cref="MinMultiplyAddsPerTask"/>, <see cref="MinBytesPerTask"/>),
/// because waking a worker and sharing the frame's cache lines costs microseconds.
/// </summary>
public static class Threads
{
    /// <summary><c>CONVSTREAM_THREADS</c> when it is a positive integer, else every core.</summary>
    public static int Default { get; } = FromEnvironment();

    // Both minimums come from `ConvStream.Benchmarks split-cpu 41` (BGR→gray and 2×2 max pool on
    // u8 frames, a 3→8 3×3 conv2d, 1920 wide, 2 to 540 rows, unsplit against split in two, shared
    // 2-core machine). A split that a worker joins costs 20–50 µs of CPU time whatever the size
    // (waking the worker, waiting for its range). At a load of 15–20 no split was faster in wall
    // time (the second core was rarely free); at a load of ~10, split ÷ unsplit wall time was for
    // gray 1.04 at 2.07 MB a call and 0.81 at 4.1 MB, for the conv 1.31 at 3.3 M multiply-adds,
    // 0.78 at 6.6 M, 0.69 at 13.3 M and 0.59 at 26.5 M. So a call splits in two from about 4 MB or
    // 6 M multiply-adds: half of that per task. The single threshold of the previous stops, 65 536
    // multiply-adds (about 1 µs of work), split almost everything.

    /// <summary>
    /// Below this many multiply-adds (float convolutions, pools, fits) a band is not worth a task of
    /// its own: 3 Mi, about 40 µs of a 3×3 conv2d on one core (see the comment above).
    /// </summary>
    public const long MinMultiplyAddsPerTask = 3L << 20;

    /// <summary>
    /// Below this many bytes read and written (memory-bound 8-bit filters, conversions) a band is
    /// not worth a task of its own: 2 MiB, about 45 µs of BGR→gray on one core (see the comment above).
    /// </summary>
    public const long MinBytesPerTask = 1L << 21;

    private static int FromEnvironment()
    {
        string? s = Environment.GetEnvironmentVariable("CONVSTREAM_THREADS");
        return int.TryParse(s, out int n) && n > 0 ? n : Environment.ProcessorCount;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(start, end) over [0, count) split into at most
    /// <paramref name="threads"/> contiguous ranges, each worth at least the work's minimum per task.
    /// </summary>
    public static void For(int threads, int count, SplitWork work, Action<int, int> body)
        => For(threads, count, work, body, static (b, start, end) => b(start, end));

    /// <summary>
    /// How <see cref="For{TState}"/> splits <paramref name="count"/> items of <paramref name="work"/>:
    /// the threads that take part (1: not split) and the ranges they share.
    /// </summary>
    public static (int Takers, int Parts) Split(int threads, int count, SplitWork work)
    {
        if (count <= 0) return (0, 0);
        long total = Math.Max(1, work.PerItem) * count, tasks = total / Math.Max(1, work.MinPerTask);
        int takers = (int)Math.Clamp(tasks, 1, Math.Min(threads, count));
        if (takers <= 1) return (1, 1);
        return (takers, (int)Math.Clamp(tasks, takers, Math.Min(takers * RangesPerThread, count)));
    }

    /// <summary>
    /// Runs <paramref name="body"/>(state, start, end) over [0, count) on at most
    /// <paramref name="threads"/> threads, split into up to <see cref="RangesPerThread"/> contiguous
    /// ranges per thread (range p is [count·p/parts, count·(p+1)/parts)), each worth at least the
    /// work's minimum per task (<see cref="Split"/>). The caller runs ranges too, and any range no band worker has
    /// taken yet, so a call never waits for a worker to wake. Allocates nothing in steady state: pass a static lambda
    /// and the call's values as <paramref name="state"/> (a struct or a tuple), not a closure.
    /// The first exception of any range is rethrown as it was, after every range has finished.
    /// </summary>
    public static void For<TState>(int threads, int count, SplitWork work, TState state, Action<TState, int, int> body)
    {
        if (count <= 0) return;
        var (takers, parts) = Split(threads, count, work);
        if (takers <= 1) { body(state, 0, count); return; }
        BandJob<TState>.Run(count, parts, takers - 1, state, body);
    }

    /// <summary>
    /// Ranges per thread a split call is cut into, claimed one at a time: a band worker that wakes
    /// late (or is preempted: two cores shared with other jobs) leaves its ranges to the caller and
    /// the other workers instead of making them wait for half a frame. Range boundaries cost each
    /// band its border rows again (a 9×9 filter on 1080p: 8 of 135 rows per range).
    /// </summary>
    public const int RangesPerThread = 4;

    /// <summary>
    /// A split call as the band workers see it: on their list while it asks for workers
    /// (<see cref="Tickets"/>), and held (<see cref="Holders"/>) by its caller and by every worker that
    /// took a ticket. The list is intrusive (the links are the call's own fields), so offering and
    /// taking work allocates nothing, however far behind the workers are.
    /// </summary>
    private abstract class BandWork
    {
        internal BandWork? Previous, Next;
        internal int Tickets;
        internal int Holders;

        /// <summary>What a worker that took a ticket runs; it lets go of the call at the end.</summary>
        public abstract void Execute();
    }

    /// <summary>
    /// The threads that run the ranges a caller does not run itself: one per core, started on first
    /// use, kept for the life of the process (background threads). Not the thread pool: pool threads
    /// come and go, and each new one would fill its own scratch (<see cref="Memory.ScratchArena"/>),
    /// an allocation and fresh-page faults in the middle of a run; these keep theirs warm.
    /// </summary>
    private static class BandWorkers
    {
        private static readonly object Gate = new();
        private static BandWork? _head, _tail;
        private static int _started;

        /// <summary>Asks for <paramref name="tickets"/> workers to join <paramref name="work"/>.</summary>
        public static void Offer(BandWork work, int tickets)
        {
            if (Volatile.Read(ref _started) == 0) Start();
            lock (Gate)
            {
                work.Tickets = tickets;
                work.Previous = _tail;
                work.Next = null;
                if (_tail is null) _head = work; else _tail.Next = work;
                _tail = work;
                for (int i = 0; i < tickets; i++) Monitor.Pulse(Gate);
            }
        }

        /// <summary>
        /// Takes back the tickets no worker has taken yet (the caller ran those ranges itself), so a
        /// busy machine's late workers never hold a finished call: it goes back to its pool at once.
        /// </summary>
        public static void Withdraw(BandWork work)
        {
            lock (Gate)
            {
                if (work.Tickets > 0) Unlink(work);
            }
        }

        private static void Unlink(BandWork work)
        {
            if (work.Previous is null) _head = work.Next; else work.Previous.Next = work.Next;
            if (work.Next is null) _tail = work.Previous; else work.Next.Previous = work.Previous;
            work.Previous = work.Next = null;
            work.Tickets = 0;
        }

        private static void Start()
        {
            lock (Gate)
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
                BandWork work;
                lock (Gate)
                {
                    while (_head is null) Monitor.Wait(Gate);
                    work = _head;
                    Interlocked.Increment(ref work.Holders);
                    if (--work.Tickets == 0) Unlink(work);
                }
                work.Execute();
            }
        }
    }

    /// <summary>
    /// One split call: offered to the band workers with a ticket per extra thread; every taker, the
    /// caller included, claims the next unclaimed range until none is left. Jobs are pooled per state
    /// type; a job goes back to the pool when the last of the caller and the workers that joined it
    /// has let go of it, so a late worker never sees the next call's state.
    /// </summary>
    private sealed class BandJob<TState> : BandWork
    {
        // A locked array stack: ConcurrentStack would allocate a node on every push.
        private static readonly Stack<BandJob<TState>> Pool = new();

        private readonly ManualResetEventSlim _done = new(false, spinCount: 200);
        private TState _state = default!;
        private Action<TState, int, int> _body = null!;
        private int _count, _parts, _next, _finished;
        private ExceptionDispatchInfo? _error;

        public static void Run(int count, int parts, int workers, TState state, Action<TState, int, int> body)
        {
            BandJob<TState>? job;
            lock (Pool) Pool.TryPop(out job);
            job ??= new BandJob<TState>();
            job._state = state; job._body = body; job._count = count; job._parts = parts;
            job._next = 0; job._finished = 0; job._error = null; job.Holders = 1;
            job._done.Reset();
            BandWorkers.Offer(job, workers);
            job.RunRanges();
            job._done.Wait();
            BandWorkers.Withdraw(job);
            var error = job._error;
            job.Release();
            error?.Throw();
        }

        public override void Execute()
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
            if (Interlocked.Decrement(ref Holders) != 0) return;
            _state = default!;
            _body = null!;
            lock (Pool) Pool.Push(this);
        }
    }
}
