using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

public static class EngineConfigurations
{
    /// <summary>Every SIMD level this machine runs × 1 and 2 threads.</summary>
    public static IEnumerable<(SimdLevel Level, int Threads)> All()
    {
        foreach (var level in Simd.Simd.Supported)
            foreach (int threads in new[] { 1, 2 })
                yield return (level, threads);
    }

    /// <summary>Runs <paramref name="body"/> with the settings of each configuration (nothing process-wide changes).</summary>
    public static void ForEach(Action<SimdLevel, int, ExecutionSettings> body)
    {
        foreach (var (l, t) in All()) body(l, t, new ExecutionSettings { Level = l, Threads = t, MinWorkPerTask = t > 1 ? Conv2dSettings.SmallSplits : null });
    }
}

public static class TensorAssert
{
    /// <summary>Element-wise |a − e| ≤ atol + rtol·|e|; NaN must meet NaN; infinities must be equal.</summary>
    public static void Close(Tensor expected, Tensor actual, double atol, double rtol, string context)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape.ToArray()), $"{context}: shape {actual.ShapeText} != {expected.ShapeText}");
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected.Data[i], a = actual.Data[i];
            if (float.IsNaN(e) || float.IsNaN(a))
            {
                Assert.True(float.IsNaN(e) && float.IsNaN(a), $"{context}: element {i} is {a}, expected {e}");
                continue;
            }
            if (float.IsInfinity(e) || float.IsInfinity(a))
            {
                Assert.True(e == a, $"{context}: element {i} is {a}, expected {e}");
                continue;
            }
            double tol = atol + rtol * Math.Abs(e);
            if (!(Math.Abs(a - e) <= tol))
                Assert.Fail($"{context}: element {i} is {a}, expected {e} (|diff| {Math.Abs(a - e):G3} > {tol:G3})");
        }
    }

    /// <summary>Bit-for-bit equality (max pooling selects, it never rounds).</summary>
    public static void Exact(Tensor expected, Tensor actual, string context)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape.ToArray()), $"{context}: shape {actual.ShapeText} != {expected.ShapeText}");
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected.Data[i], a = actual.Data[i];
            if (float.IsNaN(e) && float.IsNaN(a)) continue;
            if (e != a) Assert.Fail($"{context}: element {i} is {a}, expected {e}");
        }
    }

    public static Tensor Random(Random rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (float)(rng.NextDouble() * 2 - 1);
        return t;
    }

    public static double MaxAbs(Tensor t)
    {
        double m = 0;
        for (int i = 0; i < t.Length; i++) m = Math.Max(m, Math.Abs(t.Data[i]));
        return m;
    }
}
