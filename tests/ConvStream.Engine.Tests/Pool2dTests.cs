using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>Fast max/avg pooling against the scalar reference at every SIMD level and thread count, and against PyTorch.</summary>
public sealed class Pool2dTests
{
    private static Pool2dOptions RandomOptions(Random rng, int h, int w, bool average)
    {
        int kh = rng.Next(1, Math.Min(h + 2, 6)), kw = rng.Next(1, Math.Min(w + 2, 7));
        var o = new Pool2dOptions
        {
            Kernel = new Size2(kh, kw),
            Stride = rng.Next(4) == 0 ? null : new Size2(rng.Next(1, 4), rng.Next(1, 4)),
            Padding = new Size2(rng.Next(kh / 2 + 1), rng.Next(kw / 2 + 1)),
            Dilation = average ? new Size2(1, 1) : new Size2(rng.Next(1, 3), rng.Next(1, 3)),
            CeilMode = rng.Next(2) == 0,
            CountIncludePad = rng.Next(2) == 0,
        };
        return o;
    }

    private static bool Valid(Tensor x, Pool2dOptions o)
    {
        try { Pool2dShape.Resolve(x, o); return true; }
        catch (ConvStreamException) { return false; }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RandomGeometriesMatchTheReferenceAtEveryLevel(bool average)
    {
        var rng = new Random(average ? 11 : 7);
        int tested = 0;
        for (int trial = 0; trial < 400 && tested < 250; trial++)
        {
            int n = rng.Next(1, 3), c = rng.Next(1, 4), h = rng.Next(1, 24), w = rng.Next(1, 70);
            var x = TensorAssert.Random(rng, n, c, h, w);
            if (rng.Next(10) == 0) x.Data[rng.Next(x.Length)] = float.NaN;
            var o = RandomOptions(rng, h, w, average);
            if (!Valid(x, o)) continue;
            tested++;
            var expected = average ? Pool2dReference.AvgPool(x, o) : Pool2dReference.MaxPool(x, o);
            EngineConfigurations.ForEach((level, threads, settings) =>
            {
                var actual = average ? Pool2d.Average(x, o, settings) : Pool2d.Max(x, o, settings);
                string ctx = $"trial {trial} {x.ShapeText} {o} at {level}/{threads}";
                if (average) TensorAssert.Close(expected, actual, 1e-6, 1e-5, ctx);
                else TensorAssert.Exact(expected, actual, ctx);
            });
        }
        Assert.True(tested >= 200, $"only {tested} valid random geometries");
    }

    [Theory]
    [InlineData(false, 2, 16, 64, 250, 2, 2, 0, false)]   // the 2×2 stride-2 path, bands on two threads
    [InlineData(false, 1, 5, 63, 251, 2, 2, 0, true)]     // odd sizes + ceil_mode: the partial last row and column
    [InlineData(true, 1, 16, 64, 250, 2, 2, 0, false)]
    [InlineData(true, 1, 5, 63, 251, 2, 2, 0, true)]
    [InlineData(false, 1, 6, 80, 199, 3, 2, 1, true)]     // general stride-2 path (deinterleaved loads)
    [InlineData(true, 1, 6, 80, 199, 3, 2, 1, true)]
    [InlineData(false, 1, 4, 50, 300, 5, 1, 2, false)]    // stride 1, large window
    [InlineData(true, 1, 4, 50, 300, 5, 3, 2, true)]      // stride 3 (scalar across)
    public void LargeInputsSplitIntoBandsMatchTheReference(bool average, int n, int c, int h, int w, int k, int s, int p, bool ceil)
    {
        var rng = new Random(h * w + k);
        var x = TensorAssert.Random(rng, n, c, h, w);
        var o = new Pool2dOptions { Kernel = k, Stride = s, Padding = p, CeilMode = ceil, CountIncludePad = !ceil };
        var expected = average ? Pool2dReference.AvgPool(x, o) : Pool2dReference.MaxPool(x, o);
        EngineConfigurations.ForEach((level, threads, settings) =>
        {
            var actual = average ? Pool2d.Average(x, o, settings) : Pool2d.Max(x, o, settings);
            // Preallocated outputs are overwritten completely, whatever they held.
            var into = Tensor.Zeros(expected.Shape.ToArray());
            into.Span.Fill(float.NaN);
            if (average) Pool2d.Average(x, o, into, settings); else Pool2d.Max(x, o, into, settings);
            string ctx = $"{x.ShapeText} {o} at {level}/{threads}";
            if (average) { TensorAssert.Close(expected, actual, 1e-6, 1e-5, ctx); TensorAssert.Close(expected, into, 1e-6, 1e-5, ctx + " (into)"); }
            else { TensorAssert.Exact(expected, actual, ctx); TensorAssert.Exact(expected, into, ctx + " (into)"); }
        });
    }

    [Fact]
    public void WindowAsLargeAsThePaddedInput()
    {
        var rng = new Random(3);
        var x = TensorAssert.Random(rng, 2, 7, 9);
        var o = new Pool2dOptions { Kernel = new Size2(9, 11), Padding = new Size2(1, 1), Stride = 1 };
        Assert.Equal([2, 1, 1], Pool2d.OutputShape(x, o));
        EngineConfigurations.ForEach((level, threads, settings) =>
        {
            TensorAssert.Exact(Pool2dReference.MaxPool(x, o), Pool2d.Max(x, o, settings), $"max at {level}");
            TensorAssert.Close(Pool2dReference.AvgPool(x, o), Pool2d.Average(x, o, settings), 1e-6, 1e-5, $"avg at {level}");
        });
    }

    [Fact]
    public void WorkedExample2x2()
    {
        var x = new Tensor(Enumerable.Range(1, 16).Select(v => (float)v).ToArray(), 1, 4, 4);
        var o = new Pool2dOptions { Kernel = 2 };
        Assert.Equal([6f, 8f, 14f, 16f], Pool2d.Max(x, o).Span.ToArray());
        Assert.Equal([3.5f, 5.5f, 11.5f, 13.5f], Pool2d.Average(x, o).Span.ToArray());
        // ceil_mode keeps the last partial window: a 5×5 input gives 3×3.
        var x5 = new Tensor(Enumerable.Range(1, 25).Select(v => (float)v).ToArray(), 1, 5, 5);
        var ceil = Pool2d.Max(x5, o with { CeilMode = true });
        Assert.Equal([1, 3, 3], ceil.Shape.ToArray());
        Assert.Equal([7f, 9f, 10f, 17f, 19f, 20f, 22f, 24f, 25f], ceil.Span.ToArray());
        Assert.Equal([1, 2, 2], Pool2d.Max(x5, o).Shape.ToArray());
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var x = Tensor.Zeros(1, 4, 4);
        Assert.Contains("padding", Assert.Throws<ConvStreamException>(() => Pool2d.Max(x, new Pool2dOptions { Kernel = 2, Padding = 2 })).Message);
        Assert.Contains("larger than the padded input", Assert.Throws<ConvStreamException>(() => Pool2d.Max(x, new Pool2dOptions { Kernel = 5 })).Message);
        Assert.Contains("stride", Assert.Throws<ConvStreamException>(() => Pool2d.Max(x, new Pool2dOptions { Kernel = 2, Stride = 0 })).Message);
        Assert.Contains("dilation", Assert.Throws<ConvStreamException>(() => Pool2d.Average(x, new Pool2dOptions { Kernel = 2, Dilation = 2 })).Message);
        Assert.Contains("output must have shape (1,2,2)", Assert.Throws<ConvStreamException>(() => Pool2d.Max(x, new Pool2dOptions { Kernel = 2 }, Tensor.Zeros(1, 3, 3))).Message);
        Assert.Contains("(C,H,W) or (N,C,H,W)", Assert.Throws<ConvStreamException>(() => Pool2d.Max(Tensor.Zeros(4, 4), new Pool2dOptions { Kernel = 2 })).Message);
    }

    [Fact]
    public void MatchesPyTorchFixtures()
    {
        int count = 0;
        foreach (var c in TorchFixtures.Cases("pool"))
        {
            string name = c.GetProperty("name").GetString()!;
            var o = new Pool2dOptions
            {
                Kernel = TorchFixtures.Pair(c, "kernel"),
                Stride = TorchFixtures.Pair(c, "stride"),
                Padding = TorchFixtures.Pair(c, "padding"),
                Dilation = TorchFixtures.Pair(c, "dilation"),
                CeilMode = c.GetProperty("ceil_mode").GetBoolean(),
                CountIncludePad = c.GetProperty("count_include_pad").GetBoolean(),
            };
            var x = TorchFixtures.Load("pool", name, "x");
            var expected = TorchFixtures.Load("pool", name, "y");
            bool max = c.GetProperty("op").GetString() == "max";
            EngineConfigurations.ForEach((level, threads, settings) =>
            {
                var actual = max ? Pool2d.Max(x, o, settings) : Pool2d.Average(x, o, settings);
                TensorAssert.Close(expected, actual, 1e-6, 1e-5, $"torch {name} at {level}/{threads}");
            });
            TensorAssert.Close(expected, max ? Pool2dReference.MaxPool(x, o) : Pool2dReference.AvgPool(x, o), 1e-6, 1e-5, $"torch {name} (reference)");
            count++;
        }
        Assert.Equal(10, count);
    }
}
