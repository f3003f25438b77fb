using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>Fast conv_transpose2d against the scalar reference at every SIMD level and thread count, and against PyTorch.</summary>
public sealed class ConvTranspose2dTests
{
    private static double Tolerance(Tensor expected) => 1e-5 * (1 + TensorAssert.MaxAbs(expected));

    [Fact]
    public void APlanGivesTheOneShotsBitsPacksOnceAndAllocatesNothing()
    {
        var rng = new Random(22);
        var x = TensorAssert.Random(rng, 1, 8, 23, 37);
        var wt = TensorAssert.Random(rng, 8, 3, 3, 3);
        var b = TensorAssert.Random(rng, 6);
        var o = new ConvTranspose2dOptions { Stride = 2, Padding = 1, OutputPadding = 1, Groups = 2 };
        EngineConfigurations.ForEach((level, threads, settings) =>
        {
            var expected = ConvTranspose2d.Forward(x, wt, b, o, settings);
            var plan = new ConvStream.Engine.Ops.Transposed.ConvTranspose2dPlan(wt, b, o, settings);
            var y = Tensor.Zeros(expected.Shape.ToArray());
            plan.Forward(x, y);
            Assert.True(expected.Span.SequenceEqual(y.Span), $"plan differs from the one-shot at {level}/{threads}");
            // The plan holds its own packed copy: changing the tensors afterwards changes nothing.
            var changed = new Tensor(wt.Span.ToArray(), wt.Shape.ToArray());
            var planOfChanged = new ConvStream.Engine.Ops.Transposed.ConvTranspose2dPlan(changed, b, o, settings);
            changed.Span.Fill(0);
            planOfChanged.Forward(x, y);
            Assert.True(expected.Span.SequenceEqual(y.Span), "the plan read the weight tensor after it was built");
            if (threads == 1)
            {
                for (int i = 0; i < 3; i++) plan.Forward(x, y);
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 10; i++) plan.Forward(x, y);
                Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        });
        var bad = new ConvStream.Engine.Ops.Transposed.ConvTranspose2dPlan(wt, b, o);
        Assert.Equal("weight expects 8 input channels (its first dimension) but the input has 4",
            Assert.Throws<ConvStreamException>(() => bad.Forward(TensorAssert.Random(rng, 1, 4, 5, 5), Tensor.Zeros(1, 6, 10, 10))).Message);
    }

    [Fact]
    public void RandomGeometriesMatchTheReferenceAtEveryLevel()
    {
        var rng = new Random(21);
        int tested = 0;
        for (int trial = 0; trial < 400 && tested < 200; trial++)
        {
            int groups = rng.Next(1, 3), cinG = rng.Next(1, 4), coutG = rng.Next(1, 5);
            int n = rng.Next(1, 3), h = rng.Next(1, 12), w = rng.Next(1, 45), kh = rng.Next(1, 5), kw = rng.Next(1, 5);
            var o = new ConvTranspose2dOptions
            {
                Stride = new Size2(rng.Next(1, 4), rng.Next(1, 4)),
                Dilation = new Size2(rng.Next(1, 3), rng.Next(1, 3)),
                Groups = groups,
            };
            o = o with
            {
                Padding = new Size2(rng.Next(o.Dilation.H * (kh - 1) + 1), rng.Next(o.Dilation.W * (kw - 1) + 1)),
                OutputPadding = new Size2(rng.Next(Math.Max(o.Stride.H, o.Dilation.H)), rng.Next(Math.Max(o.Stride.W, o.Dilation.W))),
            };
            var x = TensorAssert.Random(rng, n, groups * cinG, h, w);
            var wt = TensorAssert.Random(rng, groups * cinG, coutG, kh, kw);
            var b = rng.Next(3) == 0 ? null : TensorAssert.Random(rng, groups * coutG);
            Tensor expected;
            try { expected = ConvTranspose2dReference.Forward(x, wt, b, o); }
            catch (ConvStreamException) { continue; }
            tested++;
            EngineConfigurations.ForEach((level, threads, settings) =>
                TensorAssert.Close(expected, ConvTranspose2d.Forward(x, wt, b, o, settings), Tolerance(expected), 0,
                    $"trial {trial} x{x.ShapeText} w{wt.ShapeText} {o} at {level}/{threads}"));
        }
        Assert.True(tested >= 150, $"only {tested} valid random geometries");
    }

    [Theory]
    [InlineData(16, 3, 40, 131, 2, 2, 0, 0, 1)]  // the upsampling layer of the benchmark, every width tail
    [InlineData(4, 6, 33, 70, 3, 2, 1, 1, 1)]    // overlapping taps, output padding
    [InlineData(6, 4, 30, 61, 3, 1, 1, 0, 2)]    // stride 1, groups
    [InlineData(3, 5, 20, 50, 4, 3, 2, 2, 1)]    // stride 3: scalar interleave
    public void LargeInputsSplitIntoBandsMatchTheReference(int cin, int cout, int h, int w, int k, int s, int p, int op, int groups)
    {
        var rng = new Random(cin * 100 + w);
        var x = TensorAssert.Random(rng, cin, h, w);
        var wt = TensorAssert.Random(rng, cin, cout / groups, k, k);
        var b = TensorAssert.Random(rng, cout / groups * groups);
        var o = new ConvTranspose2dOptions { Stride = s, Padding = p, OutputPadding = op, Groups = groups };
        var expected = ConvTranspose2dReference.Forward(x, wt, b, o);
        EngineConfigurations.ForEach((level, threads, settings) =>
        {
            TensorAssert.Close(expected, ConvTranspose2d.Forward(x, wt, b, o, settings), Tolerance(expected), 0, $"{o} at {level}/{threads}");
            var into = Tensor.Zeros(expected.Shape.ToArray());
            into.Span.Fill(float.NaN);
            ConvTranspose2d.Forward(x, wt, b, o, into, settings);
            TensorAssert.Close(expected, into, Tolerance(expected), 0, $"{o} into at {level}/{threads}");
        });
    }

    [Fact]
    public void StrideTwoKernelTwoPlacesEachInputSampleInItsOwnBlock()
    {
        // A 2×2 input upsampled by a 2×2 kernel [[1,2],[3,4]]: every input value v becomes the block v·kernel.
        var x = new Tensor([1f, 10f, 100f, 1000f], 1, 1, 2, 2);
        var w = new Tensor([1f, 2f, 3f, 4f], 1, 1, 2, 2);
        var y = ConvTranspose2d.Forward(x, w, new Tensor([0.5f], 1), new ConvTranspose2dOptions { Stride = 2 });
        Assert.Equal([1, 1, 4, 4], y.Shape.ToArray());
        Assert.Equal(new float[]
        {
            1.5f, 2.5f, 10.5f, 20.5f,
            3.5f, 4.5f, 30.5f, 40.5f,
            100.5f, 200.5f, 1000.5f, 2000.5f,
            300.5f, 400.5f, 3000.5f, 4000.5f,
        }, y.Span.ToArray());
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var x = Tensor.Zeros(1, 3, 4, 4);
        var w = Tensor.Zeros(3, 2, 2, 2);
        Assert.Contains("output padding", Assert.Throws<ConvStreamException>(() => ConvTranspose2d.Forward(x, w, null, new ConvTranspose2dOptions { Stride = 2, OutputPadding = 2 })).Message);
        Assert.Contains("weight expects 2 input channels", Assert.Throws<ConvStreamException>(() => ConvTranspose2d.Forward(x, Tensor.Zeros(2, 2, 2, 2), null, new ConvTranspose2dOptions())).Message);
        Assert.Contains("groups 2 does not divide", Assert.Throws<ConvStreamException>(() => ConvTranspose2d.Forward(x, w, null, new ConvTranspose2dOptions { Groups = 2 })).Message);
        Assert.Contains("bias must have 2 values", Assert.Throws<ConvStreamException>(() => ConvTranspose2d.Forward(x, w, Tensor.Zeros(3), new ConvTranspose2dOptions())).Message);
        Assert.Contains("output must have shape (1,2,5,5)", Assert.Throws<ConvStreamException>(() => ConvTranspose2d.Forward(x, w, null, new ConvTranspose2dOptions(), Tensor.Zeros(1, 2, 4, 4))).Message);
        Assert.Contains("stride must be positive", Assert.Throws<ConvStreamException>(() => ConvTranspose2d.Forward(x, w, null, new ConvTranspose2dOptions { Stride = 0 })).Message);
    }

    [Fact]
    public void MatchesPyTorchFixtures()
    {
        int count = 0;
        foreach (var c in TorchFixtures.Cases("transpose"))
        {
            string name = c.GetProperty("name").GetString()!;
            var o = new ConvTranspose2dOptions
            {
                Stride = TorchFixtures.Pair(c, "stride"),
                Padding = TorchFixtures.Pair(c, "padding"),
                OutputPadding = TorchFixtures.Pair(c, "output_padding"),
                Dilation = TorchFixtures.Pair(c, "dilation"),
                Groups = c.GetProperty("groups").GetInt32(),
            };
            var x = TorchFixtures.Load("transpose", name, "x");
            var w = TorchFixtures.Load("transpose", name, "w");
            var b = c.GetProperty("bias").GetBoolean() ? TorchFixtures.Load("transpose", name, "b") : null;
            var expected = TorchFixtures.Load("transpose", name, "y");
            EngineConfigurations.ForEach((level, threads, settings) =>
                TensorAssert.Close(expected, ConvTranspose2d.Forward(x, w, b, o, settings), 1e-4, 1e-5, $"torch {name} at {level}/{threads}"));
            TensorAssert.Close(expected, ConvTranspose2dReference.Forward(x, w, b, o), 1e-4, 1e-5, $"torch {name} (reference)");
            count++;
        }
        Assert.Equal(5, count);
    }
}
