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
/// A row kernel that writes its own loop over whole vectors, for steps too large to be inlined into
/// a loop the ladder writes: the JIT's inlining budget grows with the size of the method it
/// compiles, and a loop of a few bytes around a step with five taps (the separable passes) ran out
/// of it, leaving the vector operations as calls (1.2–2.4× slower). Its <see cref="Steps{TVec, TOps}"/>
/// is compiled on its own with the step's body in it; the ladder still chooses the widths and runs
/// the tails through it, so a loop is the kernel's only repetition.
/// </summary>
internal interface IRowLoop
{
    /// <summary>Lanes per step at one width (1 in the scalar instantiation): <c>TOps.Count</c>, or <c>TOps.WordCount</c> for a kernel of 16-bit words.</summary>
    static virtual int LanesPerStep<TVec, TOps>() where TVec : unmanaged where TOps : ISimdOps<TVec> => TOps.Count;
    /// <summary>Runs whole steps of <typeparamref name="TOps"/>'s width from x while one fits before n; returns where it stopped.</summary>
    int Steps<TVec, TOps>(int x, int n) where TVec : unmanaged where TOps : ISimdOps<TVec>;
}

/// <summary>
/// Width choice and tails, written once for every <see cref="IRowKernel"/> and <see cref="IRowLoop"/>:
/// whole vectors at the widest width the level allows, then whole vectors of each narrower width
/// on what is left, then single lanes (the scalar instantiation). The generic arguments are
/// structs, so each width is its own fully inlined loop; the outputs are those of the scalar
/// specification lane for lane as long as the kernel's operations round alike at every width
/// (they do: one IEEE operation per step, or exact integer arithmetic).
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

    /// <summary>
    /// The same ladder for an <see cref="IRowLoop"/>. (<see cref="Run{TKernel}"/> keeps its loop
    /// and width tests inline rather than going through an adapter to this: the adapter's extra
    /// calls ran the fused Sobel magnitude's band method out of inlining budget, 5 % slower.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunLoop<TLoop>(TLoop loop, int n, SimdLevel level) where TLoop : struct, IRowLoop
    {
        int x = 0;
        if (level >= SimdLevel.V512) x = loop.Steps<Vector512<float>, V512Ops>(x, n);
        if (level >= SimdLevel.V256 && n - x >= TLoop.LanesPerStep<Vector256<float>, V256Ops>()) x = loop.Steps<Vector256<float>, V256Ops>(x, n);
        if (level >= SimdLevel.V128 && n - x >= TLoop.LanesPerStep<Vector128<float>, V128Ops>()) x = loop.Steps<Vector128<float>, V128Ops>(x, n);
        if (x < n) loop.Steps<float, ScalarOps>(x, n);
    }

    private static int Steps<TKernel, TVec, TOps>(TKernel kernel, int x, int n)
        where TKernel : struct, IRowKernel where TVec : unmanaged where TOps : ISimdOps<TVec>
    {
        for (int w = TOps.Count == 1 ? 1 : TOps.Count * TKernel.Unroll; x + w <= n; x += w) kernel.Step<TVec, TOps>(x);
        return x;
    }
}
