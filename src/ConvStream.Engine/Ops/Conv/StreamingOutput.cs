using System.Runtime.Intrinsics.X86;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// When to write a convolution's output with non-temporal (streaming) stores. A 16-channel 1080p
/// output is 133 MB: ordinary stores first read every line from memory (read-for-ownership),
/// nearly doubling the traffic of output-bound convolutions such as 1×1 and 3→16 3×3; streaming
/// stores skip that read. Small outputs stay in cache for whoever reads them next, so they use
/// ordinary stores.
/// </summary>
internal static class StreamingOutput
{
    /// <summary>
    /// Outputs at least this large (32 MiB, beyond the last-level cache here) stream, unless the
    /// settings say otherwise (<see cref="Simd.ExecutionSettings.StreamingMinBytes"/>: tests run the
    /// streaming stores on small outputs that way).
    /// </summary>
    internal const long DefaultMinBytes = 32L << 20;

    public static bool Worth(long outputFloats, Simd.ExecutionSettings settings) => outputFloats * sizeof(float) >= settings.StreamingMinBytes;

    /// <summary>Orders a band's streaming stores before the band is reported done to other threads.</summary>
    public static void Fence()
    {
        if (Sse.IsSupported) Sse.StoreFence();
        else Interlocked.MemoryBarrier();
    }
}
