using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConvStream.Engine.Memory;

/// <summary>
/// The one per-thread scratch arena of the engine's hot loops: one pinned float array per thread (on the pinned
/// object heap, so its address is stable without <c>fixed</c>), grown on demand and reused
/// forever, so a kernel's row buffers cost no allocation and no page faults in steady state
/// (DESIGN §6: touching fresh memory costs ~20 ms per 1080p frame). A nested rent on the same
/// thread, or a request above the caller's limit (its <see cref="Simd.ExecutionSettings.ScratchFloats"/>,
/// at most <see cref="MaxCachedFloats"/>), gets a one-off array instead.
/// </summary>
internal static unsafe class PinnedScratch
{
    /// <summary>Requests above this many floats (64 MiB) are never kept per thread.</summary>
    public const long MaxCachedFloats = 16L << 20;

    /// <summary>
    /// A thread's buffer starts at this many floats (256 KiB): every 8-bit filter's and most
    /// convolutions' band scratch fits, so a band worker that first serves a small op does not grow
    /// (allocate and fault fresh pages) mid-run when it later serves a larger one.
    /// </summary>
    public const int MinCachedFloats = 1 << 16;

    /// <summary>Floats to rent for <paramref name="count"/> values of <typeparamref name="T"/> taken with <see cref="Carver.Take{T}"/> (its alignment included).</summary>
    public static long FloatsFor<T>(long count) where T : unmanaged => (count * sizeof(T) + 3) / 4 + 16;

    [ThreadStatic] private static float[]? t_buffer;
    [ThreadStatic] private static bool t_inUse;

    /// <summary>A lease on at least the requested number of floats; dispose it to give it back.</summary>
    public ref struct Lease
    {
        private readonly bool _cached;
        private bool _disposed;
        /// <summary>Keeps a one-off array alive while the lease is held.</summary>
        private readonly float[] _array;

        internal Lease(float[] array, bool cached)
        {
            _array = array;
            _cached = cached;
            Pointer = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        }

        public float* Pointer { get; }
        public int Length => _array.Length;

        /// <summary>Hands out the lease as typed, 64-byte aligned spans (keep the carver in a plain local: it counts what it gave).</summary>
        public readonly Carver Carve() => new((byte*)Align64(Pointer), (long)_array.Length * sizeof(float) - 64);

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (_cached) t_inUse = false;
        }
    }

    /// <summary>Rents at least <paramref name="floats"/> floats past <see cref="Align64"/> of its pointer (contents undefined).</summary>
    /// <param name="keepFloats">Above this many floats the buffer is one-off, not kept for the thread's next call.</param>
    public static Lease Rent(long floats, long keepFloats = MaxCachedFloats)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(floats);
        long want = floats + 16; // room to align the start to 64 bytes
        if (want > int.MaxValue) throw new ConvStreamException($"scratch of {floats} floats is larger than 2^31 elements");
        if (t_inUse || want > Math.Min(keepFloats, MaxCachedFloats))
            return new Lease(GC.AllocateUninitializedArray<float>((int)want, pinned: true), cached: false);
        var buffer = t_buffer;
        if (buffer is null || buffer.Length < want)
        {
            // Grow geometrically so a thread that sees slowly growing requests settles quickly.
            long size = Math.Min(MaxCachedFloats, Math.Max(Math.Max(want, MinCachedFloats), (buffer?.Length ?? 0) * 3L / 2));
            buffer = t_buffer = GC.AllocateUninitializedArray<float>((int)size, pinned: true);
        }
        t_inUse = true;
        return new Lease(buffer, cached: true);
    }

    /// <summary>The first 64-byte aligned address at or after <paramref name="p"/>.</summary>
    public static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    /// <summary>Cuts a lease into consecutive 64-byte aligned spans of any unmanaged type.</summary>
    public ref struct Carver(byte* start, long capacity)
    {
        private long _taken;

        /// <summary>The next <paramref name="count"/> values of <typeparamref name="T"/> (rent the sum of <see cref="FloatsFor{T}"/> of every take).</summary>
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
