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
/// left, then the kernel's scalar specification. Kernels are readonly structs passed by value, for
/// the reason <see cref="RowLadder"/> gives.
/// </summary>
internal static class ByteLadder
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TKernel>(TKernel kernel, int n, SimdLevel level) where TKernel : struct, IByteRowKernel
    {
        // A width is called only when one step of it fits in what is left (each is a call: see Steps).
        int x = 0;
        if (level >= SimdLevel.V512 && n - x >= kernel.Reach<Vector512<byte>, Bytes512>()) x = Steps<TKernel, Vector512<byte>, Bytes512>(kernel, x, n);
        if (level >= SimdLevel.V256 && n - x >= kernel.Reach<Vector256<byte>, Bytes256>()) x = Steps<TKernel, Vector256<byte>, Bytes256>(kernel, x, n);
        if (level >= SimdLevel.V128 && n - x >= kernel.Reach<Vector128<byte>, Bytes128>()) x = Steps<TKernel, Vector128<byte>, Bytes128>(kernel, x, n);
        if (x < n) kernel.Scalar(x, n);
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

    // Its own method, not inlined into the caller: a loop inlined into a large row function (the
    // pool filters' Rows) kept its index and pointers on the stack, 1.27x slower at 2x2 max pooling.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Steps<TKernel, TVec, TOps>(TKernel kernel, int x, int n)
        where TKernel : struct, IByteRowKernel where TVec : unmanaged where TOps : IByteOps<TVec>
    {
        int advance = kernel.Advance<TVec, TOps>(), reach = kernel.Reach<TVec, TOps>();
        if (advance == 0) return x;
        for (; x + reach <= n; x += advance) kernel.Step<TVec, TOps>(x);
        return x;
    }
}
