using System.Runtime.Intrinsics;

namespace ConvStream.Engine.Simd;

/// <summary>
/// A float row kernel written once over the width abstraction: <see cref="Step{TVec, TOps}"/>
/// computes the <c>TOps.Count</c> outputs at x (one lane for the scalar specification).
/// </summary>
internal interface IRowKernel
{
    void Step<TVec, TOps>(int x) where TVec : unmanaged where TOps : ISimdOps<TVec>;
}

/// <summary>
/// Width choice and tails, written once for every <see cref="IRowKernel"/>: whole vectors at the
/// widest width the level allows, then whole vectors of each narrower width on what is left, then
/// single lanes (the scalar instantiation). The generic arguments are structs, so each width is its
/// own fully inlined loop; the outputs are those of the scalar specification lane for lane as long
/// as the kernel's operations round alike at every width (they do: one IEEE operation per step).
/// </summary>
internal static class RowLadder
{
    public static void Run<TKernel>(ref TKernel kernel, int n, SimdLevel level) where TKernel : struct, IRowKernel
    {
        int x = 0;
        if (level >= SimdLevel.V512) x = Steps<TKernel, Vector512<float>, V512Ops>(ref kernel, x, n);
        if (level >= SimdLevel.V256) x = Steps<TKernel, Vector256<float>, V256Ops>(ref kernel, x, n);
        if (level >= SimdLevel.V128) x = Steps<TKernel, Vector128<float>, V128Ops>(ref kernel, x, n);
        Steps<TKernel, float, ScalarOps>(ref kernel, x, n);
    }

    private static int Steps<TKernel, TVec, TOps>(ref TKernel kernel, int x, int n)
        where TKernel : struct, IRowKernel where TVec : unmanaged where TOps : ISimdOps<TVec>
    {
        for (int w = TOps.Count; x + w <= n; x += w) kernel.Step<TVec, TOps>(x);
        return x;
    }
}
