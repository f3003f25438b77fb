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
