using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Tensors;
using Xunit.Abstractions;

namespace ConvStream.Engine.Tests;

/// <summary>
/// Both Winograd paths, F(2×2, 3×3) and F(4×4, 3×3), against <see cref="Conv2dReference"/> on every
/// kind of geometry they accept (every padding kind and border, channel counts around the 8-channel
/// blocks, odd and tiny sizes, batches, bias, ReLU, flip, mixed magnitudes), at every SIMD level
/// with 1 and 2 threads (the thread count changes no bit); inputs with ±Inf and NaN; and the
/// geometries they must not take. F(2×2) holds 1e-5 of the absolute values' sum; F(4×4), whose
/// transforms multiply by up to 8 and 1/24, is held to the ops' tolerance, 1e-4, and each test
/// prints the worst error it saw in those units.
/// </summary>
public class WinogradConvTests(ITestOutputHelper output)
{
    private static Conv2dCase Case(Random rng, int n, int cin, int cout, int h, int w, Conv2dOptions options, bool bias = true)
        => new(n == 0 ? Conv2dCase.Random(rng, cin, h, w) : Conv2dCase.Random(rng, n, cin, h, w),
            Conv2dCase.Random(rng, cout, cin, 3, 3), bias ? Conv2dCase.Random(rng, cout) : null, options);

    private static double Tolerance(Conv2dPath path) => path == Conv2dPath.Winograd4x4 ? 1e-4 : Conv2dAssert.RelativeTolerance;

    private double _worst;

    /// <summary>
    /// <paramref name="path"/> at every level and thread count against the reference (and 1 thread
    /// against 2 bit for bit); the worst error is kept for <see cref="Report"/>.
    /// </summary>
    private void Check(Conv2dCase c, string name, Conv2dPath path, long streamingMinBytes = StreamingOutput.DefaultMinBytes)
    {
        var expected = Conv2dReference.Forward(c.Input, c.Weight, c.Bias, c.Options);
        Tensor? firstAtLevel = null;
        foreach (var (level, threads) in Conv2dSettings.All())
        {
            var settings = Conv2dSettings.Of(level, threads) with { StreamingMinBytes = streamingMinBytes };
            var actual = Conv2dPlan.OnPath(c.Weight, c.Bias, c.Options, settings, path).Forward(c.Input);
            string context = $"{name} on {path} at {level} with {threads} thread(s)";
            _worst = Math.Max(_worst, Conv2dAssert.Close(c, expected, actual, context, Tolerance(path)));
            if (threads == 1) firstAtLevel = actual;
            else Conv2dAssert.Identical(firstAtLevel!, actual, context + " vs 1 thread");
        }
    }

    private void Report(Conv2dPath path, string what)
        => output.WriteLine($"{path} {what}: worst |error| / Σ|w·x| = {_worst:g3} (allowed {Tolerance(path):g1})");

    [Theory]
    [InlineData(Conv2dPath.Winograd)]
    [InlineData(Conv2dPath.Winograd4x4)]
    public void RandomAcceptedGeometries_MatchTheReference(Conv2dPath path)
    {
        var rng = new Random(2026_12_01);
        for (int i = 0; i < 60; i++)
        {
            int cin = rng.Next(16, 21), cout = rng.Next(16, 27), h = rng.Next(1, 14), w = rng.Next(1, 60);
            Padding padding = rng.Next(5) switch
            {
                0 => Padding.Valid,
                1 => Padding.Same,
                2 => Padding.Full,
                3 => Padding.Symmetric(rng.Next(0, 3), rng.Next(0, 3)),
                _ => Padding.Explicit(rng.Next(0, 4), rng.Next(0, 4), rng.Next(0, 4), rng.Next(0, 4)),
            };
            var options = new Conv2dOptions { Padding = padding, Border = (BorderMode)rng.Next(5), Flip = rng.Next(3) == 0, Relu = rng.Next(3) == 0 };
            var c = Case(rng, rng.Next(3), cin, cout, h, w, options, bias: rng.Next(2) == 0);
            try { Conv2dShape.Resolve(c.Input, c.Weight, c.Bias, c.Options); }
            catch (ConvStreamException) { continue; } // 3×3 larger than the padded input
            Check(c, $"case {i}", path);
        }
        Report(path, "random geometries");
    }

    [Theory]
    [InlineData(Conv2dPath.Winograd)]
    [InlineData(Conv2dPath.Winograd4x4)]
    public void EveryOutputWidthAndHeight_MatchTheReference(Conv2dPath path)
    {
        // Output widths 1..100 (every tail of 4-, 8- and 16-lane vectors of 2- and 4-column tiles
        // and of 3-vector chunks; last tiles of 1..3 columns) and heights 1..8 (last tile rows of
        // 1..3 rows). Every third width streams its output (F(4×4) through StreamedRows: each row
        // starts at another offset in its line).
        var rng = new Random(23);
        for (int ow = 1; ow <= 100; ow++)
        {
            int oh = 1 + ow % 8;
            var c = Case(rng, 0, 16, 17, oh + 2, ow + 2, new Conv2dOptions());
            Check(c, $"output {oh}x{ow}", path, ow % 3 == 0 ? 0 : StreamingOutput.DefaultMinBytes);
        }
        Report(path, "output sizes");
    }

    [Theory]
    [InlineData(Conv2dPath.Winograd)]
    [InlineData(Conv2dPath.Winograd4x4)]
    public void BenchmarkLayers_AtASplittableSize_MatchTheReference(Conv2dPath path)
    {
        // The benchmark's 16→16 layer and a 24→16 and 32→32 one, big enough that two threads take two bands.
        var rng = new Random(24);
        Check(Case(rng, 0, 24, 16, 37, 150, new Conv2dOptions { Padding = 1 }), "24->16", path);
        Check(Case(rng, 0, 32, 32, 19, 131, new Conv2dOptions { Padding = 1 }), "32->32", path);
        Check(Case(rng, 2, 16, 16, 23, 101, new Conv2dOptions { Padding = 1, Relu = true, Border = BorderMode.Reflect }), "16->16 batch 2", path);
        // Streaming stores (and the aligned start they need), on rows 160 wide and an odd width.
        Check(Case(rng, 0, 16, 16, 21, 160, new Conv2dOptions { Padding = 1 }), "16->16 streaming", path, streamingMinBytes: 0);
        Check(Case(rng, 0, 16, 16, 20, 203, new Conv2dOptions { Padding = Padding.Same, Border = BorderMode.Circular }), "16->16 streaming odd", path, streamingMinBytes: 0);
        Report(path, "benchmark layers");
    }

    [Theory]
    [InlineData(Conv2dPath.Winograd)]
    [InlineData(Conv2dPath.Winograd4x4)]
    public void MixedMagnitudes_StayWithinTheRelativeTolerance(Conv2dPath path)
    {
        // Inputs of mixed sign and magnitudes 1e-3..1e3, and weights 1e-2..1e2: the transforms add
        // and subtract inputs before multiplying, so cancellation is where Winograd loses
        // precision if anywhere. 64 input channels: the longest sums of the accepted layers here.
        var rng = new Random(25);
        foreach (var (cin, cout) in new[] { (16, 16), (64, 24) })
        {
            var x = Conv2dCase.Random(rng, cin, 20, 61);
            for (int i = 0; i < x.Length; i++) x[i] *= MathF.Pow(10, rng.Next(-3, 4));
            var w = Conv2dCase.Random(rng, cout, cin, 3, 3);
            for (int i = 0; i < w.Length; i++) w[i] *= MathF.Pow(10, rng.Next(-2, 3));
            var c = new Conv2dCase(x, w, Conv2dCase.Random(rng, cout), new Conv2dOptions { Padding = Padding.Same, Border = BorderMode.Replicate });
            Check(c, $"mixed magnitudes {cin}->{cout}", path);
        }
        Report(path, "mixed magnitudes");
    }

    [Theory]
    [InlineData(Conv2dPath.Winograd)]
    [InlineData(Conv2dPath.Winograd4x4)]
    public void NonFiniteInputs_GiveTheDirectPathsInfAndNaN(Conv2dPath path)
    {
        // +Inf, −Inf and NaN in a few input samples: the transforms would make Inf − Inf = NaN over
        // the tile, so the tile rows that read them run the direct path. Every element is then
        // ±Inf or NaN exactly where the reference's taps make it so, and close elsewhere.
        var rng = new Random(26);
        var c = Case(rng, 0, 16, 16, 23, 77, new Conv2dOptions { Padding = 1 });
        c.Input[5 * 77 + 10] = float.PositiveInfinity;           // channel 0, row 5
        c.Input[(3 * 23 + 14) * 77 + 40] = float.NegativeInfinity; // channel 3, row 14
        c.Input[(9 * 23 + 22) * 77 + 76] = float.NaN;             // channel 9, the last row and column
        var expected = Conv2dReference.Forward(c.Input, c.Weight, c.Bias, c.Options);
        var finiteCase = c with { Input = c.Input.Clone() };
        for (int i = 0; i < finiteCase.Input.Length; i++)
            if (!float.IsFinite(finiteCase.Input[i])) finiteCase.Input[i] = 0;
        var finiteExpected = Conv2dReference.Forward(finiteCase.Input, c.Weight, c.Bias, c.Options);
        int nonFinite = 0;
        foreach (var (level, threads) in Conv2dSettings.All())
        {
            var actual = Conv2dPlan.OnPath(c.Weight, c.Bias, c.Options, Conv2dSettings.Of(level, threads), path).Forward(c.Input);
            for (int i = 0; i < expected.Length; i++)
            {
                float e = expected[i], a = actual[i];
                if (float.IsFinite(e))
                {
                    Assert.True(float.IsFinite(a), $"{path} at {level}, {threads} thread(s): element {i} is {a} but the reference says {e}");
                    continue;
                }
                nonFinite++;
                Assert.True(float.IsNaN(e) ? float.IsNaN(a) : a == e, $"{path} at {level}, {threads} thread(s): element {i} is {a} but the reference says {e}");
            }
            // The finite elements as close as on finite inputs: compare them where the reference
            // with the non-finite samples zeroed agrees with the reference itself.
            var masked = actual.Clone();
            for (int i = 0; i < masked.Length; i++)
                if (!float.IsFinite(expected[i])) masked[i] = finiteExpected[i];
            Conv2dAssert.Close(finiteCase, finiteExpected, masked, $"{path} at {level}, {threads} thread(s), finite elements", Tolerance(path));
        }
        Assert.True(nonFinite > 0, "the case has non-finite outputs");
    }

    [Fact]
    public void AcceptedLayers_RunFourByFourTiles()
    {
        // F(4×4) was measured faster than F(2×2) on every accepted 1080p layer (WinogradConv.Accepts).
        Assert.Equal(Conv2dPath.Winograd4x4, new Conv2dPlan(Tensor.Zeros(16, 16, 3, 3), null, new Conv2dOptions { Padding = 1 }).Path);
        Assert.Equal(Conv2dPath.Winograd4x4, new Conv2dPlan(Tensor.Zeros(64, 32, 3, 3), null, new Conv2dOptions()).Path);
    }

    [Theory]
    [InlineData(16, 16, 1, 1, 1, 1, 1, "accepted")]
    [InlineData(15, 16, 1, 1, 1, 1, 1, "fewer than 16 outputs")]
    [InlineData(16, 15, 1, 1, 1, 1, 1, "fewer than 16 inputs")]
    [InlineData(16, 3, 1, 1, 1, 1, 1, "the 3->16 layer (slower than direct)")]
    [InlineData(16, 16, 2, 1, 1, 1, 1, "two groups")]
    [InlineData(16, 16, 1, 2, 1, 1, 1, "vertical stride")]
    [InlineData(16, 16, 1, 1, 2, 1, 1, "horizontal stride")]
    [InlineData(16, 16, 1, 1, 1, 2, 1, "vertical dilation")]
    [InlineData(16, 16, 1, 1, 1, 1, 2, "horizontal dilation")]
    public void OnlyDenseStrideOneLayers_RunWinograd(int cout, int cinPerGroup, int groups, int sh, int sw, int dh, int dw, string what)
    {
        var w = Tensor.Zeros(cout * groups, cinPerGroup, 3, 3);
        var o = new Conv2dOptions { Groups = groups, Stride = new Size2(sh, sw), Dilation = new Size2(dh, dw) };
        var path = new Conv2dPlan(w, null, o).Path;
        bool winograd = path is Conv2dPath.Winograd or Conv2dPath.Winograd4x4;
        Assert.Equal(what == "accepted", winograd);
        if (groups > 1 || sh > 1 || sw > 1 || dh > 1 || dw > 1)
            Assert.Throws<ArgumentException>(() => Conv2dPlan.OnPath(w, null, o, new(), Conv2dPath.Winograd4x4));
        // 5×5 and 3×5 kernels are not 3×3; the conv stage's plans in tap order never transform.
        Assert.Equal(Conv2dPath.Direct, new Conv2dPlan(Tensor.Zeros(16, 16, 5, 5), null, new Conv2dOptions()).Path);
        Assert.Equal(Conv2dPath.Direct, new Conv2dPlan(Tensor.Zeros(16, 16, 3, 5), null, new Conv2dOptions()).Path);
        Assert.Equal(Conv2dPath.Direct, Conv2dPlan.InTapOrder(Tensor.Zeros(16, 16, 3, 3), null, new Conv2dOptions(), new()).Path);
    }
}
