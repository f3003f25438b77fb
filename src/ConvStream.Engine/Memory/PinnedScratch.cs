using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConvStream.Engine.Memory;

/// <summary>
/// Per-thread scratch memory for hot loops: one pinned float array per thread (on the pinned
/// object heap, so its address is stable without <c>fixed</c>), grown on demand and reused
/// forever, so a kernel's row buffers cost no allocation and no page faults in steady state
/// (DESIGN §6: touching fresh memory costs ~20 ms per 1080p frame). A nested rent on the same
/// thread, or a request above the caller's limit (its <see cref="Simd.ExecutionSettings.ScratchFloats"/>,
/// at most <see cref="MaxCachedFloats"/>), gets a one-off array instead.
/// </summary>
public static unsafe class PinnedScratch
{
    /// <summary>Requests above this many floats (64 MiB) are never kept per thread.</summary>
    public const long MaxCachedFloats = 16L << 20;

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
            long size = Math.Min(MaxCachedFloats, Math.Max(want, (buffer?.Length ?? 0) * 3L / 2));
            buffer = t_buffer = GC.AllocateUninitializedArray<float>((int)size, pinned: true);
        }
        t_inUse = true;
        return new Lease(buffer, cached: true);
    }

    /// <summary>The first 64-byte aligned address at or after <paramref name="p"/>.</summary>
    public static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);
}
