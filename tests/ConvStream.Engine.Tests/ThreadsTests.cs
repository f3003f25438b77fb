using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Tests;

/// <summary>Threads.For: every item once, errors rethrown, and no allocation when the band workers are busy.</summary>
public sealed class ThreadsTests
{
    private const long Heavy = 1L << 24; // multiply-adds per item: every item is worth a range of its own

    [Fact]
    public void EachKindOfWork_IsSplitOnlyPastItsOwnMinimum()
    {
        // BGR→gray (bytes read and written per row): a 64×64 frame stays on one thread, 1080p splits.
        Assert.Equal((1, 1), Threads.Split(2, 64, SplitWork.Bytes(64 * 3 + 64)));
        Assert.Equal(2, Threads.Split(2, 1080, SplitWork.Bytes(1920 * 3 + 1920)).Takers);
        // A 3→16 3×3 conv2d (multiply-adds per row): 32×32 stays whole, 1080p splits.
        Assert.Equal((1, 1), Threads.Split(2, 32, SplitWork.MultiplyAdds(16L * 27 * 32)));
        Assert.Equal(2, Threads.Split(2, 1080, SplitWork.MultiplyAdds(16L * 27 * 1920)).Takers);
        // The same count is enough to split as bytes but not as multiply-adds: the kinds differ.
        long work = 5L << 20;
        Assert.True(2 * Threads.MinBytesPerTask <= work && work < 2 * Threads.MinMultiplyAddsPerTask);
        Assert.Equal(2, Threads.Split(2, 100, SplitWork.Bytes(work / 100)).Takers);
        Assert.Equal(1, Threads.Split(2, 100, SplitWork.MultiplyAdds(work / 100)).Takers);
        // A plain number is multiply-adds; one thread never splits.
        Assert.Equal(SplitWork.MultiplyAdds(5), (SplitWork)5L);
        Assert.Equal((1, 1), Threads.Split(1, 1080, SplitWork.Bytes(1L << 30)));
    }

    [Fact]
    public void TheSettingsMinimum_ReplacesEveryKindsOwn()
    {
        // The split-cpu benchmark (and tests on small inputs) split calls far below the minimums.
        static int Ranges(ExecutionSettings settings)
        {
            int ranges = 0;
            settings.For(8, SplitWork.Bytes(100), 0, (_, _, _) => Interlocked.Increment(ref ranges));
            return ranges;
        }
        Assert.Equal(1, Ranges(new ExecutionSettings { Threads = 2 }));
        Assert.True(Ranges(new ExecutionSettings { Threads = 2, MinWorkPerTask = 1 }) > 1);
    }

    [Fact]
    public void EveryItemRunsOnceAndTheFirstErrorIsRethrown()
    {
        var hits = new int[97];
        Threads.For(8, hits.Length, Heavy, hits, static (h, start, end) => { for (int i = start; i < end; i++) Interlocked.Increment(ref h[i]); });
        Assert.All(hits, h => Assert.Equal(1, h));

        var e = Assert.Throws<InvalidOperationException>(() =>
            Threads.For(4, 4, Heavy, 0, static (_, start, _) => { if (start == 2) throw new InvalidOperationException("range 2"); }));
        Assert.Equal("range 2", e.Message);
    }

    [Fact]
    public async Task CallsWhileEveryBandWorkerIsBusyAllocateNothing()
    {
        // Every band worker is held inside another call's range. A split call then asks for workers
        // that do not come: its caller runs every range itself, and the offer it made must not keep
        // the call's job alive (it once did until a worker got round to it: one new job per call,
        // a few KB per run on a loaded machine).
        int workers = Environment.ProcessorCount;
        using var release = new ManualResetEventSlim(false);
        int entered = 0;
        var blocker = Task.Run(() => Threads.For(workers + 1, workers + 1, Heavy, release, (gate, _, _) =>
        {
            Interlocked.Increment(ref entered);
            gate.Wait();
        }));
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (Volatile.Read(ref entered) < workers + 1 && DateTime.UtcNow < deadline) Thread.Sleep(1);
            Assert.True(Volatile.Read(ref entered) == workers + 1, $"only {entered} of {workers + 1} takers held the blocking call");

            var sums = new long[4];
            static void Call(long[] s) => Threads.For(4, 4, Heavy, s, static (a, start, end) => { for (int i = start; i < end; i++) a[i] += i; });
            for (int i = 0; i < 3; i++) Call(sums); // the job pool and the JIT warm up
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++) Call(sums);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.Equal([0, 53, 106, 159], sums);
        }
        finally
        {
            release.Set();
            await blocker;
        }
    }
}
