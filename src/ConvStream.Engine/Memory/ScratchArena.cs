using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConvStream.Engine.Memory;

/// <summary>
/// The engine's one scratch mechanism: a per-thread stack of pinned, 64-byte aligned memory. Every
/// kernel's row buffers, rings, tap tables, a one-shot call's packed weights and the backward pass's
/// padded planes are leases on it (<see cref="Rent"/>, given back by disposing the
/// <see cref="ScratchLease"/>, last rented first returned). Leases nest: a one-shot call holds its
/// weights while its own bands, run on the same thread, rent their rows on top of them. A band
/// worker of <see cref="Simd.Threads"/> rents from its own arena, so two threads never share
/// memory and nothing is locked. The arena grows while it warms up (a block on the pinned object
/// heap: its address is stable without <c>fixed</c>) and is then reused for ever, so a call costs
/// no allocation and no page faults in steady state (DESIGN §6: touching fresh memory costs ~20 ms
/// per 1080p frame). A request above the caller's limit (its
/// <see cref="Simd.ExecutionSettings.ScratchFloats"/>), or one that would take the thread's arena
/// past <see cref="MaxCachedFloats"/>, gets a one-off array instead.
/// </summary>
internal sealed unsafe class ScratchArena
{
    /// <summary>A thread's arena never holds more than this many floats (64 MiB); larger needs are one-off.</summary>
    public const long MaxCachedFloats = 16L << 20;

    /// <summary>
    /// A thread's arena starts at this many floats (256 KiB): every 8-bit filter's and most
    /// convolutions' band scratch fits, so a band worker that first serves a small op does not grow
    /// (allocate and fault fresh pages) mid-run when it later serves a larger one.
    /// </summary>
    public const int MinCachedFloats = 1 << 16;

    /// <summary>Leases start on multiples of this many floats (64 bytes), so every lease is aligned.</summary>
    private const int AlignFloats = 16;

    [ThreadStatic] private static ScratchArena? t_arena;

    /// <summary>One pinned array and its first 64-byte aligned float.</summary>
    private readonly struct Block(float[] array, float* start, long floats)
    {
        public readonly float[] Array = array;
        public readonly float* Start = start;
        public readonly long Floats = floats;
    }

    // Live leases sit in blocks 0 .. _block; blocks after it are empty. In steady state there is one block.
    private Block[] _blocks = new Block[4];
    private int _count, _block, _depth;
    private long _top, _total;

    /// <summary>The calling thread's arena (made on its first rent).</summary>
    public static ScratchArena OfThisThread => t_arena ??= new ScratchArena();

    /// <summary>Floats to rent for <paramref name="count"/> values of <typeparamref name="T"/> taken with <see cref="ScratchLease.Carver.Take{T}"/> (its alignment included).</summary>
    public static long FloatsFor<T>(long count) where T : unmanaged => (count * sizeof(T) + 3) / 4 + AlignFloats;

    /// <summary>The first 64-byte aligned address at or after <paramref name="p"/>.</summary>
    public static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    /// <summary>Leases held on this thread now (for tests: 0 between calls).</summary>
    public int Depth => _depth;

    /// <summary>Floats this thread's arena holds (for tests: it stops growing after warm-up).</summary>
    public long Capacity => _total;

    /// <summary>
    /// Rents at least <paramref name="floats"/> floats on the calling thread, 64-byte aligned
    /// (contents undefined); dispose the lease on the same thread, after every lease rented after it.
    /// </summary>
    /// <param name="keepFloats">Above this many floats the memory is one-off, not kept for the thread's next call.</param>
    public static ScratchLease Rent(long floats, long keepFloats = MaxCachedFloats)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(floats);
        long want = (floats + AlignFloats - 1) & ~(long)(AlignFloats - 1);
        if (want + AlignFloats > int.MaxValue) throw new ConvStreamException($"scratch of {floats} floats is larger than 2^31 elements");
        if (want > Math.Min(keepFloats, MaxCachedFloats)) return OneOff(want);
        return OfThisThread.Take(want);
    }

    private static ScratchLease OneOff(long floats)
    {
        var block = NewBlock(floats);
        return new ScratchLease(block.Array, block.Start, floats);
    }

    private ScratchLease Take(long want)
    {
        int block = _block;
        long at = (_top + AlignFloats - 1) & ~(long)(AlignFloats - 1);
        if (_depth == 0)
        {
            // Nothing is live: if the last round spilled into more blocks, or this request does not
            // fit, make one block that holds it all, so the next round runs in one block.
            if (_count != 1 || _blocks[0].Floats < want)
            {
                long size = want > _total ? Math.Max(want, _total * 3 / 2) : _total;
                Consolidate(Math.Clamp(size, MinCachedFloats, MaxCachedFloats));
            }
            block = 0;
            at = 0;
        }
        else if (at + want > _blocks[block].Floats)
        {
            // Spill into the next block (empty: blocks after the current one hold no lease).
            block++;
            at = 0;
            if (block == _count || _blocks[block].Floats < want)
            {
                long size = Math.Max(want, MinCachedFloats), dropped = block < _count ? _blocks[block].Floats : 0;
                if (_total - dropped + size > MaxCachedFloats) return OneOff(want);
                if (block == _count)
                {
                    if (_count == _blocks.Length) Array.Resize(ref _blocks, 2 * _count);
                    _count++;
                }
                _total += size - dropped;
                _blocks[block] = NewBlock(size);
            }
        }
        var lease = new ScratchLease(this, ++_depth, _block, _top, _blocks[block].Start + at, want);
        _block = block;
        _top = at + want;
        return lease;
    }

    /// <summary>Called by <see cref="ScratchLease.Dispose"/>: pops the lease rented at <paramref name="depth"/>.</summary>
    internal void Return(int depth, int previousBlock, long previousTop)
    {
        if (t_arena != this)
            throw new InvalidOperationException("a scratch lease was returned on another thread than the one that rented it");
        if (depth != _depth)
            throw new InvalidOperationException($"scratch leases are returned last rented first: lease {depth} was returned while {_depth} are held");
        _depth--;
        _block = previousBlock;
        _top = previousTop;
    }

    private void Consolidate(long floats)
    {
        Array.Clear(_blocks);
        _blocks[0] = NewBlock(floats);
        _count = 1;
        _total = floats;
    }

    private static Block NewBlock(long floats)
    {
        var array = GC.AllocateUninitializedArray<float>((int)(floats + AlignFloats), pinned: true);
        return new Block(array, Align64(First(array)), floats);
    }

    private static float* First(float[] array) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
}
