using ConvStream.Engine.Ops.Backward;

namespace ConvStream.Engine.Tests.Widths;

/// <summary>
/// The backward pass's row loops at every width, on every length from 0 to past two 512-bit
/// vectors (so each width's masked or overlapping last vector, and rows shorter than one vector,
/// all run), against plain loops; the elements past the row must stay untouched.
/// </summary>
public sealed class RowMathTests
{
    [Fact]
    public void Every_width_and_length_matches_plain_loops()
    {
        var rng = new Random(67);
        foreach (var level in Engine.Simd.Simd.Supported)
            for (int n = 0; n <= 40; n++)
            {
                var x = Enumerable.Range(0, n + 5).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
                var y = Enumerable.Range(0, n + 5).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
                float alpha = 0.75f;
                double dot = 0, sum = 0;
                for (int i = 0; i < n; i++) { dot += (double)x[i] * y[i]; sum += x[i]; }
                string at = $"n={n} at {level}";
                Assert.True(Math.Abs(RowMath.Dot(x.AsSpan(0, n), y, 1, level) - dot) <= 1e-5 * (1 + n), $"Dot {at}");
                Assert.True(Math.Abs(RowMath.Sum(x.AsSpan(0, n), level) - sum) <= 1e-5 * (1 + n), $"Sum {at}");

                var axpy = (float[])y.Clone();
                RowMath.Axpy(alpha, x.AsSpan(0, n), axpy, 1, level);
                var add = (float[])y.Clone();
                RowMath.Add(x.AsSpan(0, n), add, level);
                for (int i = 0; i < y.Length; i++)
                {
                    float wantAxpy = i < n ? MathF.FusedMultiplyAdd(x[i], alpha, y[i]) : y[i];
                    float wantAdd = i < n ? x[i] + y[i] : y[i];
                    Assert.True(axpy[i] == wantAxpy, $"Axpy {at}: y[{i}] = {axpy[i]}, expected {wantAxpy}");
                    Assert.True(add[i] == wantAdd, $"Add {at}: y[{i}] = {add[i]}, expected {wantAdd}");
                }
            }
    }
}
