using ConvStream.Engine.Fitting;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Tests.Fitting;

/// <summary>The vectorised normal equations against their scalar specification, at every SIMD width.</summary>
public class NormalEquationsTests
{
    public static TheoryData<BorderMode, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<BorderMode, int, int, bool, bool>();
        foreach (BorderMode border in Enum.GetValues<BorderMode>())
        {
            data.Add(border, 5, 4, false, true);   // even width: the anchor's extra cell is before
            data.Add(border, 3, 3, true, false);
        }
        data.Add(BorderMode.Reflect, 1, 1, true, true);
        data.Add(BorderMode.Zeros, 7, 2, false, false);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VectorisedEqualsReference(BorderMode border, int kh, int kw, bool full, bool bias)
    {
        // 8-bit target with samples at 0 and 255, so the clipped-sample weights are exercised too.
        var before = FitTestData.Texture(37, 23, 3, 7, PixelDepth.U8);
        var after = FitTestData.Texture(37, 23, 3, 8, PixelDepth.U8);
        for (int i = 0; i < 40; i++) FitTestData.Set(after, (i * 7) % 37, (i * 5) % 23, i % 3, i % 2 == 0 ? 0 : 255);
        var model = new KernelModel(kh, kw, kw / 2, kh / 2, border, full ? FitChannels.Full : FitChannels.PerChannel, bias);
        var design = FitDesign.Create([FitPair.FromFrames(before, "b", after, "a", full)], model);
        var reference = NormalEquationsReference.Build(design);
        foreach (var level in Simd.Simd.Supported)
            foreach (int threads in new[] { 1, 2 })
            {
                var fast = NormalEquations.Build(design, threads, level);
                string at = $"{level}, {threads} thread(s)";
                Assert.Equal(reference.Count, fast.Count);
                AssertClose(reference.Gram, fast.Gram, $"Gram at {at}");
                AssertClose(reference.Rhs, fast.Rhs, $"AᵀWb at {at}");
                AssertClose(reference.TargetSquares, fast.TargetSquares, $"bᵀWb at {at}");
            }
    }

    [Theory]
    [InlineData(BorderMode.Reflect, false)]
    [InlineData(BorderMode.Zeros, true)]
    [InlineData(BorderMode.Circular, false)]
    public void ShiftedViewsEqualReference(BorderMode border, bool full)
    {
        // Float target (no weights) and chunks a whole number of vectors wide (256 + 8 columns):
        // the taps are read as shifted views of the padded rows, not copied.
        var before = FitTestData.Texture(264, 9, 2, 5, PixelDepth.F32);
        var after = FitTestData.Texture(264, 9, 2, 6, PixelDepth.F32);
        var model = new KernelModel(3, 4, 2, 1, border, full ? FitChannels.Full : FitChannels.PerChannel, true);
        var design = FitDesign.Create([FitPair.FromFrames(before, "b", after, "a", full)], model);
        var reference = NormalEquationsReference.Build(design);
        foreach (var level in Simd.Simd.Supported)
        {
            var fast = NormalEquations.Build(design, 2, level);
            AssertClose(reference.Gram, fast.Gram, $"Gram at {level}");
            AssertClose(reference.Rhs, fast.Rhs, $"AᵀWb at {level}");
        }
    }

    [Fact]
    public void SameSumsForAnyThreadCount()
    {
        var before = FitTestData.Texture(300, 70, 1, 3, PixelDepth.F32);
        var model = new KernelModel(5, 5, 2, 2, BorderMode.Reflect, FitChannels.PerChannel, true);
        var design = FitDesign.Create([FitPair.FromFrames(before, "b", before, "a", false)], model);
        var one = NormalEquations.Build(design, 1, Simd.Simd.Hardware);
        var two = NormalEquations.Build(design, 2, Simd.Simd.Hardware);
        Assert.Equal(one.Gram, two.Gram);
        Assert.Equal(one.Rhs, two.Rhs);
    }

    [Fact]
    public void ClippedSamplesOfAnEightBitTargetDoNotCount()
    {
        var before = FitTestData.Texture(20, 10, 1, 1, PixelDepth.U8);
        var after = before.Clone();
        FitTestData.Set(after, 3, 3, 0, 0);
        FitTestData.Set(after, 4, 3, 0, 255);
        var pair = FitPair.FromFrames(before, "b", after, "a", false);
        var design = FitDesign.Create([pair], new KernelModel(3, 3, 1, 1, BorderMode.Reflect, FitChannels.PerChannel, false));
        Assert.Equal(198, NormalEquations.Build(design, 1, SimdLevel.Scalar).Count);
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = 1e-9 * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"{what}[{i}] = {actual[i]}, expected {expected[i]}");
        }
    }
}
