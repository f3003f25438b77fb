using ConvStream.Engine.Memory;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Tests.Memory;

/// <summary>
/// The per-thread scratch arena: nested leases are disjoint and 64-byte aligned, come back last
/// rented first on the renting thread, two threads never share memory, the arena stops growing
/// after one round, and a Threads.For body rents on its own thread under the caller's lease.
/// </summary>
public sealed unsafe class ScratchArenaTests
{
    private static void Fill(ScratchLease lease, int count, float value) => lease.Floats(count).Fill(value);

    private static bool Holds(ScratchLease lease, int count, float value) => !lease.Floats(count).ContainsAnyExcept(value);

    private static bool Disjoint(ScratchLease a, long aFloats, ScratchLease b, long bFloats)
        => a.Pointer + aFloats <= b.Pointer || b.Pointer + bFloats <= a.Pointer;

    [Fact]
    public void NestedLeasesAreDisjointAlignedAndReturnInOrder()
    {
        var arena = ScratchArena.OfThisThread;
        int depth = arena.Depth;
        using (var outer = ScratchArena.Rent(1001))
        {
            Fill(outer, 1001, 1f);
            // The inner leases are larger than what is left of a fresh arena's first block: one spills.
            using (var middle = ScratchArena.Rent(3))
            using (var inner = ScratchArena.Rent(ScratchArena.MinCachedFloats))
            {
                Assert.Equal(depth + 3, arena.Depth);
                foreach (var l in new[] { outer, middle, inner })
                {
                    Assert.True(l.Cached);
                    Assert.Equal(0, (nint)l.Pointer % 64);
                }
                Fill(middle, 3, 2f);
                Fill(inner, ScratchArena.MinCachedFloats, 3f);
                Assert.True(Disjoint(outer, 1001, middle, 3) && Disjoint(outer, 1001, inner, ScratchArena.MinCachedFloats)
                            && Disjoint(middle, 3, inner, ScratchArena.MinCachedFloats));
                Assert.True(Holds(outer, 1001, 1f) && Holds(middle, 3, 2f));
            }
            Assert.Equal(depth + 1, arena.Depth);
            // Memory given back is handed out again, above the lease still held.
            using var again = ScratchArena.Rent(10);
            Assert.True(Disjoint(outer, 1001, again, 10));
            Assert.True(Holds(outer, 1001, 1f));
        }
        Assert.Equal(depth, arena.Depth);
    }

    [Fact]
    public void ALeaseReturnedOutOfOrderOrOnAnotherThreadIsRefused()
    {
        var outer = ScratchArena.Rent(64);
        var inner = ScratchArena.Rent(64);
        var e = Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        Assert.Contains("last rented first", e.Message);
        inner.Dispose();
        outer.Dispose();
        Assert.Equal(0, ScratchArena.OfThisThread.Depth);

        var lease = ScratchArena.Rent(64);
        Exception? error = null;
        var other = new Thread(() => { try { lease.Dispose(); } catch (Exception x) { error = x; } });
        other.Start();
        other.Join();
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("another thread", error!.Message);
        lease.Dispose();
        Assert.Equal(0, ScratchArena.OfThisThread.Depth);
    }

    [Fact]
    public void TwoThreadsRentingAtOnceGetDisjointMemory()
    {
        const int Floats = 50_000, Rounds = 200;
        using var both = new Barrier(2);
        var firsts = new nint[2];
        var failures = new int[2];
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            for (int round = 0; round < Rounds; round++)
            {
                using var outer = ScratchArena.Rent(Floats);
                using var inner = ScratchArena.Rent(Floats / 2);
                if (round == 0) firsts[t] = (nint)outer.Pointer;
                Fill(outer, Floats, t + 1);
                Fill(inner, Floats / 2, -(t + 1));
                both.SignalAndWait(); // both threads hold their leases and have written them
                if (!Holds(outer, Floats, t + 1) || !Holds(inner, Floats / 2, -(t + 1))) failures[t]++;
                both.SignalAndWait();
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Equal([0, 0], failures);
        Assert.True(Math.Abs(firsts[0] - firsts[1]) >= Floats * sizeof(float), "the two threads' leases overlap");
    }

    [Fact]
    public void AfterOneRoundTheArenaNeitherGrowsNorAllocates()
    {
        // A fresh thread: its first round spills into a second block, the next round runs in one.
        long[] capacities = new long[3];
        long allocated = -1;
        int depth = -1;
        var thread = new Thread(() =>
        {
            static void Round()
            {
                using var a = ScratchArena.Rent(ScratchArena.MinCachedFloats - 100);
                using var b = ScratchArena.Rent(3 * ScratchArena.MinCachedFloats);
                using var c = ScratchArena.Rent(77);
            }
            var arena = ScratchArena.OfThisThread;
            Round();
            capacities[0] = arena.Capacity;
            Round();
            capacities[1] = arena.Capacity;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) Round();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            capacities[2] = arena.Capacity;
            depth = arena.Depth;
        });
        thread.Start();
        thread.Join();
        Assert.Equal(0, allocated);
        Assert.Equal(0, depth);
        Assert.True(capacities[0] >= 4L * ScratchArena.MinCachedFloats - 100 + 77, $"capacity {capacities[0]}");
        Assert.Equal(capacities[1], capacities[2]);
    }

    [Fact]
    public void AboveTheCallersLimitALeaseIsOneOffAndLeavesTheArenaAlone()
    {
        var arena = ScratchArena.OfThisThread;
        using var held = ScratchArena.Rent(16);
        long capacity = arena.Capacity;
        using (var big = ScratchArena.Rent(5000, keepFloats: 4096))
        {
            Assert.False(big.Cached);
            Assert.Equal(0, (nint)big.Pointer % 64);
            Fill(big, 5000, 9f);
            Assert.Equal(1, arena.Depth);
        }
        Assert.Equal(capacity, arena.Capacity);
        Assert.Throws<ArgumentOutOfRangeException>(() => ScratchArena.Rent(-1));
    }

    [Fact]
    public void BandsOfAThreadsForCallRentOnTheirOwnThreadUnderTheCallersLease()
    {
        const int Floats = 4096, Ranges = 64;
        using var outer = ScratchArena.Rent(Floats);
        Fill(outer, Floats, 0.5f);
        var state = (Bad: new int[1], Outer: (nint)outer.Pointer);
        Threads.For(2, Ranges, Threads.MinMultiplyAddsPerTask, state, static (s, start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                using var lease = ScratchArena.Rent(Floats);
                if (!(lease.Pointer + Floats <= (float*)s.Outer || (float*)s.Outer + Floats <= lease.Pointer)) Interlocked.Increment(ref s.Bad[0]);
                var span = lease.Floats(Floats);
                span.Fill(r);
                Thread.SpinWait(2000); // the other thread's band runs meanwhile
                if (span.ContainsAnyExcept(r)) Interlocked.Increment(ref s.Bad[0]);
            }
        });
        Assert.Equal(0, state.Bad[0]);
        Assert.True(Holds(outer, Floats, 0.5f));
        Assert.Equal(1, ScratchArena.OfThisThread.Depth);
    }
}
