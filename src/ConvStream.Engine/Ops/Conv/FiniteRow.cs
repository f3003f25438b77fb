using System.Numerics;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// Whether a row holds only finite values. Winograd's transforms subtract inputs before they are
/// weighted, so one ±Inf becomes Inf − Inf = NaN across its whole tile where the taps' sums give
/// ±Inf (and a NaN spreads to outputs whose window does not contain it): Winograd runs only on
/// rows this says are finite (<see cref="PaddedRowRing.Finite"/>), a pass over rows still in cache.
/// </summary>
internal static unsafe class FiniteRow
{
    public static bool All(float* p, int n)
    {
        // x − x is 0 for every finite x and NaN for ±Inf and NaN; NaN stays NaN through the sum.
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
            {
                var v = Vector.Load(p + i);
                acc += v - v;
            }
            if (!Vector.EqualsAll(acc, Vector<float>.Zero)) return false;
        }
        for (; i < n; i++)
            if (!float.IsFinite(p[i])) return false;
        return true;
    }
}
