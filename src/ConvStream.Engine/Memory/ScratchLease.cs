namespace ConvStream.Engine.Memory;

/// <summary>
/// Floats of a thread's <see cref="ScratchArena"/> (or a one-off array), held until disposed. Dispose
/// it on the thread that rented it, after every lease rented after it (<c>using var</c> does both).
/// A plain struct, not a ref struct, so a call may keep one in its state for the bands it runs
/// (a one-shot call's packed weights); the arena checks the order and the thread on return.
/// </summary>
internal unsafe struct ScratchLease : IDisposable
{
    private readonly ScratchArena? _arena;
    /// <summary>Keeps a one-off array alive while the lease is held.</summary>
    private readonly float[]? _oneOff;
    private readonly int _depth, _previousBlock;
    private readonly long _previousTop;
    private bool _returned;

    internal ScratchLease(ScratchArena arena, int depth, int previousBlock, long previousTop, float* pointer, long floats)
    {
        _arena = arena;
        _depth = depth;
        _previousBlock = previousBlock;
        _previousTop = previousTop;
        Pointer = pointer;
        Length = floats;
    }

    internal ScratchLease(float[] oneOff, float* pointer, long floats)
    {
        _oneOff = oneOff;
        Pointer = pointer;
        Length = floats;
    }

    /// <summary>The first float, 64-byte aligned.</summary>
    public float* Pointer { get; }

    /// <summary>Floats the lease holds (at least the request).</summary>
    public long Length { get; }

    /// <summary>Whether the memory is the thread's arena (false: a one-off array, above the caller's limit).</summary>
    public readonly bool Cached => _arena is not null;

    /// <summary>The lease as <paramref name="count"/> floats.</summary>
    public readonly Span<float> Floats(int count) => Carve().Take<float>(count);

    /// <summary>Hands out the lease as typed, 64-byte aligned spans (keep the carver in a plain local: it counts what it gave).</summary>
    public readonly Carver Carve() => new((byte*)Pointer, Length * sizeof(float));

    public void Dispose()
    {
        if (_returned) return;
        _arena?.Return(_depth, _previousBlock, _previousTop); // throws, and stays held, when returned out of order
        _returned = true;
    }

    /// <summary>Cuts a lease into consecutive 64-byte aligned spans of any unmanaged type.</summary>
    public ref struct Carver(byte* start, long capacity)
    {
        private long _taken;

        /// <summary>The next <paramref name="count"/> values of <typeparamref name="T"/> (rent the sum of <see cref="ScratchArena.FloatsFor{T}"/> of every take).</summary>
        public Span<T> Take<T>(int count) where T : unmanaged
        {
            long at = (_taken + 63) & ~63L;
            long end = at + (long)count * sizeof(T);
            if (end > capacity) throw new InvalidOperationException($"scratch lease of {capacity} bytes is too small for {count} more {typeof(T).Name}");
            _taken = end;
            return new Span<T>(start + at, count);
        }
    }
}
