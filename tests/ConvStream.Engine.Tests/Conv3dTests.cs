using System.Text.Json;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Volumetric;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>
/// conv3d: the reference and the fast path against PyTorch's F.conv3d (Fixtures/torch/make_conv3d_fixtures.py:
/// every padding × border, a separate temporal border, stride, dilation, groups, flip, batch),
/// tolerance 1e-4 + 1e-4·|expected| (float64 expected, float32 engine); the fast path against the
/// reference on seeded random geometries at every SIMD level with 1 and 2 threads (tolerance as
/// <see cref="Conv2dAssert"/>: 1e-5 of Σ|x·w|), bit-identical across thread counts; and the errors.
/// </summary>
public class Conv3dTests
{
    private static Conv3dOptions Options(JsonElement c)
    {
        static Size3 Triple(JsonElement a) => new(a[0].GetInt32(), a[1].GetInt32(), a[2].GetInt32());
        var tb = c.GetProperty("time_border");
        return new Conv3dOptions
        {
            Stride = Triple(c.GetProperty("stride")),
            Dilation = Triple(c.GetProperty("dilation")),
            Padding = Padding3.Parse(c.GetProperty("padding").GetString()!),
            Border = BorderModes.Parse(c.GetProperty("border").GetString()!),
            TemporalBorder = tb.ValueKind == JsonValueKind.Null ? null : BorderModes.Parse(tb.GetString()!),
            Groups = c.GetProperty("groups").GetInt32(),
            Flip = c.GetProperty("flip").GetBoolean(),
            Relu = c.GetProperty("relu").GetBoolean(),
        };
    }

    [Fact]
    public void MatchesPyTorchConv3d()
    {
        int count = 0;
        var seenBorders = new HashSet<string>();
        foreach (var c in TorchFixtures.Cases("conv3d"))
        {
            string name = c.GetProperty("name").GetString()!;
            var o = Options(c);
            var x = TorchFixtures.Load("conv3d", name, "x");
            var w = TorchFixtures.Load("conv3d", name, "w");
            var b = c.GetProperty("bias").GetBoolean() ? TorchFixtures.Load("conv3d", name, "b") : null;
            var expected = TorchFixtures.Load("conv3d", name, "y");
            string how = c.GetProperty("made_by").GetString()!;
            TensorAssert.Close(expected, Conv3dReference.Forward(x, w, b, o), 1e-4, 1e-4, $"torch {name} ({how}) reference");
            EngineConfigurations.ForEach((level, threads, settings) =>
                TensorAssert.Close(expected, new Conv3dPlan(w, b, o, settings).Forward(x), 1e-4, 1e-4, $"torch {name} ({how}) at {level}/{threads}"));
            seenBorders.Add($"{o.Padding.Kind}/{o.Border}");
            count++;
        }
        Assert.Equal(47, count);
        Assert.Equal(4 * 5, seenBorders.Count); // every padding kind (valid, same, full, explicit) met every border
    }

    private sealed record Case(Tensor Input, Tensor Weight, Tensor? Bias, Conv3dOptions Options)
    {
        public override string ToString()
            => $"input {Input.ShapeText} weight {Weight.ShapeText} bias {Bias is not null} stride {Options.Stride} dilation {Options.Dilation} " +
               $"padding {Options.Padding} border {Options.Border} time {Options.TimeBorder} groups {Options.Groups} flip {Options.Flip} relu {Options.Relu}";
    }

    private static Case Generate(Random rng)
    {
        var borders = Enum.GetValues<BorderMode>();
        while (true)
        {
            int groups = rng.Next(3) == 0 ? rng.Next(1, 4) : 1;
            int cinG = rng.Next(1, 4), coutG = rng.Next(1, 11);
            int kt = rng.Next(1, 4), kh = rng.Next(1, 4), kw = rng.Next(1, 5);
            int t = rng.Next(1, 6), h = rng.Next(1, 8), w = rng.Next(1, 40);
            var o = new Conv3dOptions
            {
                Stride = new Size3(rng.Next(1, 3), rng.Next(1, 3), rng.Next(1, 4)),
                Dilation = new Size3(rng.Next(1, 3), rng.Next(1, 3), rng.Next(1, 3)),
                Padding = rng.Next(5) switch
                {
                    0 => Padding3.Valid, 1 => Padding3.Same, 2 => Padding3.Full,
                    _ => Padding3.Explicit(rng.Next(3), rng.Next(3), rng.Next(3), rng.Next(3), rng.Next(4), rng.Next(4)),
                },
                Border = borders[rng.Next(borders.Length)],
                TemporalBorder = rng.Next(2) == 0 ? null : rng.Next(2) == 0 ? BorderMode.Zeros : BorderMode.Replicate,
                Groups = groups,
                Flip = rng.Next(2) == 0,
                Relu = rng.Next(4) == 0,
            };
            int[] shape = rng.Next(2) == 0 ? [cinG * groups, t, h, w] : [rng.Next(1, 3), cinG * groups, t, h, w];
            var input = TensorAssert.Random(rng, shape);
            var weight = TensorAssert.Random(rng, coutG * groups, cinG, kt, kh, kw);
            var bias = rng.Next(2) == 0 ? TensorAssert.Random(rng, coutG * groups) : null;
            try { Conv3dShape.Resolve(input, weight, bias, o); }
            catch (ConvStreamException) { continue; } // kernel larger than the padded input: draw again
            return new Case(input, weight, bias, o);
        }
    }

    private static void CloseToReference(Case c, Tensor expected, Tensor actual, string context)
    {
        Assert.Equal(expected.ShapeText, actual.ShapeText);
        var scale = Conv3dReference.Forward(Conv2dAssert.Abs(c.Input), Conv2dAssert.Abs(c.Weight),
            c.Bias is null ? null : Conv2dAssert.Abs(c.Bias), c.Options with { Relu = false });
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs((double)expected[i] - actual[i]);
            double allowed = Conv2dAssert.RelativeTolerance * scale[i] + 1e-30;
            if (!(err <= allowed))
                Assert.Fail($"{context}: element {i} is {actual[i]} but the reference says {expected[i]} (|err| {err:g3} > {allowed:g3}); {c}");
        }
    }

    [Fact]
    public void RandomGeometries_MatchTheReference_AtEverySimdLevel()
    {
        var rng = new Random(20261201);
        for (int i = 0; i < 150; i++)
        {
            var c = Generate(rng);
            var expected = Conv3dReference.Forward(c.Input, c.Weight, c.Bias, c.Options);
            Tensor? oneThread = null;
            EngineConfigurations.ForEach((level, threads, settings) =>
            {
                var actual = new Conv3dPlan(c.Weight, c.Bias, c.Options, settings).Forward(c.Input);
                CloseToReference(c, expected, actual, $"case {i} at {level} with {threads} thread(s)");
                if (threads == 1) oneThread = actual;
                else Conv2dAssert.Identical(oneThread!, actual, $"case {i} at {level}: 2 threads vs 1");
            });
        }
    }

    [Fact]
    public void Plan_KeepsItsWeights_AndWritesIntoAGivenOutput()
    {
        var rng = new Random(5);
        var x = TensorAssert.Random(rng, 2, 4, 6, 9);
        var w = TensorAssert.Random(rng, 3, 2, 3, 3, 3);
        var o = new Conv3dOptions { Padding = 1, Border = BorderMode.Reflect, TemporalBorder = BorderMode.Replicate, Flip = true };
        var expected = Conv3dReference.Forward(x, w, null, o);
        var plan = new Conv3dPlan(w, null, o);
        w.Span.Fill(0); // the plan copied the weights
        var y = Tensor.Zeros(3, 4, 6, 9);
        y.Span.Fill(float.NaN);
        plan.Forward(x, y);
        TensorAssert.Close(expected, y, 1e-5, 1e-5, "plan into a given output");
    }

    [Fact]
    public void TrueConvolution_IsCorrelationWithTheKernelReversedOnAllThreeAxes()
    {
        // One input frame holds an impulse: the correlation output is the kernel reversed, the convolution the kernel itself.
        var x = Tensor.Zeros(1, 3, 3, 3);
        x[13] = 1; // (t,y,x) = (1,1,1)
        var w = new Tensor(Enumerable.Range(1, 27).Select(i => (float)i).ToArray(), 1, 1, 3, 3, 3);
        var corr = Conv3dReference.Forward(x, w, null, new Conv3dOptions { Padding = 1 });
        var conv = Conv3d.Forward(x, w, null, new Conv3dOptions { Padding = 1, Flip = true });
        for (int i = 0; i < 27; i++)
        {
            Assert.Equal(28 - (i + 1), corr[i]);
            Assert.Equal(i + 1, conv[i]);
        }
    }

    [Fact]
    public void OutputSizeAndReceptiveField_ExtendToTime()
    {
        // out = floor((in + pf + pb − d·(k−1) − 1)/s) + 1 on each axis; the receptive field in time is d·(k−1)+1 frames.
        var x = Tensor.Zeros(1, 10, 7, 9);
        var w = Tensor.Zeros(2, 1, 3, 2, 3);
        var s = Conv3dShape.Resolve(x, w, null, new Conv3dOptions { Stride = new Size3(2, 1, 3), Dilation = new Size3(3, 2, 1), Padding = Padding3.Explicit(1, 2, 0, 1, 2, 0) });
        Assert.Equal((10 + 3 - 6 - 1) / 2 + 1, s.OutT);
        Assert.Equal((7 + 1 - 2 - 1) / 1 + 1, s.OutH);
        Assert.Equal((9 + 2 - 2 - 1) / 3 + 1, s.OutW);
        Assert.Equal(new Size3(7, 3, 3), s.ReceptiveField);
        var same = Conv3dShape.Resolve(x, w, null, new Conv3dOptions { Stride = 2, Padding = Padding3.Same });
        Assert.Equal((5, 4, 5), (same.OutT, same.OutH, same.OutW));
        var full = Conv3dShape.Resolve(x, w, null, new Conv3dOptions { Padding = Padding3.Full });
        Assert.Equal((12, 8, 11), (full.OutT, full.OutH, full.OutW));
    }

    [Theory]
    [InlineData(new[] { 2, 4, 5, 5 }, new[] { 3, 3, 2, 2, 2 }, 1, 0, 1, "weight expects 3 input channels but the input has 2")]
    [InlineData(new[] { 4, 4, 5, 5 }, new[] { 4, 3, 2, 2, 2 }, 2, 0, 1, "weight expects 3 input channels per group but the input has 4 channels in 2 groups (2 per group)")]
    [InlineData(new[] { 3, 4, 5, 5 }, new[] { 4, 1, 2, 2, 2 }, 2, 0, 1, "groups 2 does not divide the input's 3 channels")]
    [InlineData(new[] { 2, 2, 5, 5 }, new[] { 1, 2, 3, 2, 2 }, 1, 0, 1, "kernel 3x2x2 (dilated 3x2x2) is larger than the padded input 2x5x5")]
    [InlineData(new[] { 2, 4, 5, 5 }, new[] { 1, 2, 2, 2, 2 }, 1, -1, 1, "padding must not be negative")]
    [InlineData(new[] { 2, 4, 5, 5 }, new[] { 1, 2, 2, 2, 2 }, 1, 0, 0, "stride must be positive")]
    [InlineData(new[] { 2, 4, 5 }, new[] { 1, 2, 2, 2, 2 }, 1, 0, 1, "input must be (C,T,H,W) or (N,C,T,H,W) but has shape (2,4,5)")]
    [InlineData(new[] { 2, 4, 5, 5 }, new[] { 1, 2, 2, 2 }, 1, 0, 1, "weight must be (Cout, Cin/groups, KT, KH, KW) but has shape (1,2,2,2)")]
    public void BadGeometry_IsRefusedWithOneClearMessage(int[] xShape, int[] wShape, int groups, int pad, int stride, string message)
    {
        var o = new Conv3dOptions { Groups = groups, Padding = pad, Stride = stride };
        var e = Assert.Throws<ConvStreamException>(() => Conv3d.Forward(Tensor.Zeros(xShape), Tensor.Zeros(wShape), null, o));
        Assert.Contains(message, e.Message);
        Assert.Throws<ConvStreamException>(() => Conv3dReference.Forward(Tensor.Zeros(xShape), Tensor.Zeros(wShape), null, o));
    }

    [Fact]
    public void HugeGeometry_IsRefused_NotWrappedAround()
    {
        var x = Tensor.Zeros(1, 4, 5, 5);
        var w = Tensor.Zeros(1, 1, 3, 2, 2);
        var e = Assert.Throws<ConvStreamException>(() => Conv3dShape.Resolve(x, w, null, new Conv3dOptions { Dilation = new Size3(int.MaxValue, 1, 1) }));
        Assert.Contains("along time", e.Message);
        e = Assert.Throws<ConvStreamException>(() => Conv3dShape.Resolve(x, w, null, new Conv3dOptions { Padding = Padding3.Explicit(0, 0, 0, 0, int.MaxValue, int.MaxValue) }));
        Assert.Contains("padding", e.Message);
        // A legal geometry whose output would not fit in one tensor.
        e = Assert.Throws<ConvStreamException>(() => Conv3dShape.Resolve(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, new Conv3dOptions { Padding = Padding3.Explicit(0, 0, 60000, 0, 60000, 0) }));
        Assert.Contains("more than a tensor holds", e.Message);
    }
}
