using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvStream.Engine.Simd;

/// <summary>
/// A float row kernel written once over the width abstraction: <see cref="Step{TVec, TOps}"/>
/// computes the <c>TOps.Count</c> × <see cref="Unroll"/> outputs at x, or the one output at x in
/// the scalar instantiation (the specification).
/// </summary>
internal interface IRowKernel
{
    /// <summary>Vectors per vector step (one lane per scalar step): a kernel that packs several vectors into one store says how many.</summary>
    static virtual int Unroll => 1;
    void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>;
}

/// <summary>
/// Width choice and tails, written once for every <see cref="IRowKernel"/>: whole vectors at the
/// widest width the level allows, then whole vectors of each narrower width on what is left, then
/// single lanes (the scalar instantiation). The generic arguments are structs, so each width is its
/// own fully inlined loop; the outputs are those of the scalar specification lane for lane as long
/// as the kernel's operations round alike at every width (they do: one IEEE operation per step).
/// Kernels are readonly structs passed by value: a copy in each loop's own frame lets the JIT keep
/// its fields (row pointers, options) in registers, where a reference to the caller's struct made
/// it reload them after every store (2×2 max pooling at V512: 25 % slower that way).
/// </summary>
internal static class RowLadder
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TKernel>(TKernel kernel, int n, SimdLevel level) where TKernel : struct, IRowKernel
    {
        // A narrower loop is called only when a whole vector of it is left: rows of a CNN layer are
        // short (a 240-wide row is 15 vectors), and three calls that do nothing cost 10 % there.
        int x = 0;
        if (level >= SimdLevel.V512) x = Steps<TKernel, Vector512<float>, V512Ops>(kernel, x, n);
        if (level >= SimdLevel.V256 && n - x >= Vector256<float>.Count * TKernel.Unroll) x = Steps<TKernel, Vector256<float>, V256Ops>(kernel, x, n);
        if (level >= SimdLevel.V128 && n - x >= Vector128<float>.Count * TKernel.Unroll) x = Steps<TKernel, Vector128<float>, V128Ops>(kernel, x, n);
        if (x < n) Steps<TKernel, float, ScalarOps>(kernel, x, n);
    }

    private static int Steps<TKernel, TVec, TOps>(TKernel kernel, int x, int n)
        where TKernel : struct, IRowKernel where TVec : unmanaged where TOps : ISimdOps<TVec>
    {
        for (int w = TOps.Count == 1 ? 1 : TOps.Count * TKernel.Unroll; x + w <= n; x += w) kernel.Step<TVec, TOps>(x);
        return x;
    }
}
