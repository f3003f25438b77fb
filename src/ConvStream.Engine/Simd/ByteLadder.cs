using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvStream.Engine.Simd;

/// <summary>
/// An 8-bit row kernel written once over <see cref="IByteOps{TVec}"/>: <see cref="Step{TVec, TOps}"/>
/// computes <see cref="Advance{TVec, TOps}"/> outputs from x at one width, and <see cref="Scalar"/>
/// is the specification. Outputs are counted in the kernel's own unit (bytes, samples or pixels).
/// </summary>
internal interface IByteRowKernel
{
    /// <summary>Outputs one step computes at this width; 0 where the kernel does not run at it (an instruction it needs is missing, or a pixel does not fit).</summary>
    int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec>;
    /// <summary>Outputs from x that one step reads or writes (at least <see cref="Advance{TVec, TOps}"/>): a step runs only where x + Reach ≤ n.</summary>
    int Reach<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec>;
    void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : IByteOps<TVec>;
    /// <summary>The specification, over outputs [x, n): the scalar level and every tail.</summary>
    void Scalar(int x, int n);
}

/// <summary>
/// An 8-bit row kernel that also sums a score over the row (the PNG encoder's filters):
/// <see cref="Step{TVec, TOps}"/> handles <c>TOps.Count</c> bytes from x and returns word lanes
/// to add to the score, each at most 256 (the sum of two bytes); <see cref="Scalar"/> is the
/// specification and returns the score of [x, n).
/// </summary>
internal interface IByteRowSum
{
    TVec Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : IByteOps<TVec>;
    long Scalar(int x, int n);
}

/// <summary>
/// An 8-bit row kernel that writes its own loop over whole steps (<see cref="Steps{TVec, TOps}"/>,
/// compiled as its own method with the step's body in it), for steps too large to be inlined
/// into the ladder's loop: the JIT's inlining budget grows with the size of the method it compiles,
/// and the few bytes of <see cref="ByteLadder"/>'s loop around a step of five taps (the separable
/// passes) ran out of it, leaving the vector operations as calls (1.2–2.4× slower). The ladder still
/// chooses the widths and runs the scalar specification on the tail.
/// </summary>
internal interface IByteRowLoop
{
    /// <summary>Outputs one step computes at this width (its reach too): the loop runs while x + advance ≤ n.</summary>
    int Advance<TVec, TOps>() where TVec : unmanaged where TOps : IByteOps<TVec>;
    /// <summary>Whole steps from x while one fits before n; returns where it stopped.</summary>
    int Steps<TVec, TOps>(int x, int n) where TVec : unmanaged where TOps : IByteOps<TVec>;
    /// <summary>The specification, over outputs [x, n): the scalar level and every tail.</summary>
    void Scalar(int x, int n);
}

/// <summary>
/// Width choice and tails of the 8-bit kernels, written once (as <see cref="RowLadder"/> for the
/// float ones): steps at the widest width the level allows, then at each narrower one on what is
/// left, then the kernel's scalar specification. Kernels are readonly structs, copied into each
/// width's loop (see Steps) so that their fields stay in registers, for the reason <see cref="RowLadder"/> gives.
/// </summary>
internal static class ByteLadder
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TKernel>(TKernel kernel, int n, SimdLevel level) where TKernel : struct, IByteRowKernel
    {
        // A width is called only when one step of it fits in what is left (each is a call: see Steps).
        int x = 0;
        if (level >= SimdLevel.V512 && n - x >= kernel.Reach<Vector512<byte>, Bytes512>()) x = Steps<TKernel, Vector512<byte>, Bytes512>(in kernel, x, n);
        if (level >= SimdLevel.V256 && n - x >= kernel.Reach<Vector256<byte>, Bytes256>()) x = Steps<TKernel, Vector256<byte>, Bytes256>(in kernel, x, n);
        if (level >= SimdLevel.V128 && n - x >= kernel.Reach<Vector128<byte>, Bytes128>()) x = Steps<TKernel, Vector128<byte>, Bytes128>(in kernel, x, n);
        if (x < n) Tail(kernel, x, n);
    }

    /// <summary>Runs an <see cref="IByteRowSum"/> over [0, n) as <see cref="Run{TKernel}"/> does and returns its score.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Sum<TKernel>(TKernel kernel, int n, SimdLevel level) where TKernel : struct, IByteRowSum
    {
        int x = 0;
        long sum = 0;
        if (level >= SimdLevel.V512 && n - x >= Bytes512.Count) (x, sum) = SumSteps<TKernel, Vector512<byte>, Bytes512>(in kernel, x, n, sum);
        if (level >= SimdLevel.V256 && n - x >= Bytes256.Count) (x, sum) = SumSteps<TKernel, Vector256<byte>, Bytes256>(in kernel, x, n, sum);
        if (level >= SimdLevel.V128 && n - x >= Bytes128.Count) (x, sum) = SumSteps<TKernel, Vector128<byte>, Bytes128>(in kernel, x, n, sum);
        if (x < n) sum += SumTail(kernel, x, n);
        return sum;
    }

    /// <summary>The same ladder for a kernel that writes its own loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunLoop<TLoop>(TLoop loop, int n, SimdLevel level) where TLoop : struct, IByteRowLoop
    {
        int x = 0;
        if (level >= SimdLevel.V512 && n - x >= loop.Advance<Vector512<byte>, Bytes512>()) x = loop.Steps<Vector512<byte>, Bytes512>(x, n);
        if (level >= SimdLevel.V256 && n - x >= loop.Advance<Vector256<byte>, Bytes256>()) x = loop.Steps<Vector256<byte>, Bytes256>(x, n);
        if (level >= SimdLevel.V128 && n - x >= loop.Advance<Vector128<byte>, Bytes128>()) x = loop.Steps<Vector128<byte>, Bytes128>(x, n);
        if (x < n) loop.Scalar(x, n);
    }

    // The scalar specification compiled fully optimized at once, as the vector steps are (see
    // Inlining.Hot): a kernel's Scalar is inlined here. Called through tiering, a tail or the scalar
    // level ran Tier-0 code for its first calls (1.8x slower on a 1080p frame difference).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Tail<TKernel>(TKernel kernel, int x, int n) where TKernel : struct, IByteRowKernel => kernel.Scalar(x, n);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long SumTail<TKernel>(TKernel kernel, int x, int n) where TKernel : struct, IByteRowSum => kernel.Scalar(x, n);

    /// <summary>Steps between two flushes of the word accumulator: 128 × 256 = 32768 &lt; 65536.</summary>
    private const int FlushEvery = 128;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static (int X, long Sum) SumSteps<TKernel, TVec, TOps>(in TKernel caller, int x, int n, long sum)
        where TKernel : struct, IByteRowSum where TVec : unmanaged where TOps : IByteOps<TVec>
    {
        TKernel kernel = caller;   // as in Steps
        TVec acc = TOps.Broadcast(0);
        int steps = 0;
        for (; x + TOps.Count <= n; x += TOps.Count)
        {
            acc = TOps.AddWords(acc, kernel.Step<TVec, TOps>(x));
            if (++steps == FlushEvery) { sum += TOps.SumWords(acc); acc = TOps.Broadcast(0); steps = 0; }
        }
        return (x, sum + TOps.SumWords(acc));
    }

    // Its own method per kernel and width, compiled fully optimized at once: left to the JIT, a loop
    // is not inlined and ran Tier-0 code (15x slower) for its first calls; inlined into the row
    // function, the pool kernels kept their index and pointers on the stack (2x2 max pooling 1.27x
    // slower when the row function was itself inlined into the filter's Rows). The call costs one
    // per row and width used.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Steps<TKernel, TVec, TOps>(in TKernel caller, int x, int n)
        where TKernel : struct, IByteRowKernel where TVec : unmanaged where TOps : IByteOps<TVec>
    {
        // Passed by reference and copied here: a by-value argument was copied by the caller in
        // 16-byte moves from fields it had just stored one by one, two store-forwarding stalls per
        // call (1080p frame difference at V512: 1.15-1.4x). The local copy keeps the fields in registers.
        TKernel kernel = caller;
        int advance = kernel.Advance<TVec, TOps>(), reach = kernel.Reach<TVec, TOps>();
        if (advance == 0) return x;
        for (; x + reach <= n; x += advance) kernel.Step<TVec, TOps>(x);
        return x;
    }
}
