using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Separable;
using ConvStream.Engine.Imaging;
using ConvStream.Stages;

namespace ConvStream.Engine.Tests.Filters.Separable;

/// <summary>
/// Every fixture case (every border, gray and BGR, odd and even sizes, images smaller than the
/// kernel) through the stage parser, the engine at the machine's widest SIMD level, and the
/// scalar reference, against OpenCV 4.6's output: exact for u8 and s16, 1e-4 relative for f32.
/// </summary>
public sealed class SeparableOpenCvTests
{
    public static TheoryData<int> Gaussian => SeparableFixtures.IndicesOf("gaussian");
    public static TheoryData<int> Box => SeparableFixtures.IndicesOf("box");
    public static TheoryData<int> Sobel => SeparableFixtures.IndicesOf("sobel");
    public static TheoryData<int> Scharr => SeparableFixtures.IndicesOf("scharr");
    public static TheoryData<int> Laplacian => SeparableFixtures.IndicesOf("laplacian");

    [Theory, MemberData(nameof(Gaussian))]
    public void GaussianMatchesOpenCv(int index) => Check(index);

    [Theory, MemberData(nameof(Box))]
    public void BoxMatchesOpenCv(int index) => Check(index);

    [Theory, MemberData(nameof(Sobel))]
    public void SobelMatchesOpenCv(int index) => Check(index);

    [Theory, MemberData(nameof(Scharr))]
    public void ScharrMatchesOpenCv(int index) => Check(index);

    [Theory, MemberData(nameof(Laplacian))]
    public void LaplacianMatchesOpenCv(int index) => Check(index);

    private static void Check(int index)
    {
        var c = SeparableFixtures.Cases[index];
        var input = SeparableFixtures.ReadFrame(c.Input);
        var expected = SeparableFixtures.ReadFrame(c.Output);
        var filter = (SeparableFrameFilter)StageRegistry.Create(c.Stage);
        var format = filter.OutputFormat(new[] { FrameFormat.Of(input) });
        Assert.Equal(FrameFormat.Of(expected), format);
        double tolerance = c.Exact ? 0 : 1e-4;

        var reference = format.Allocate();
        filter.ApplyReference(input, reference);
        SeparableFixtures.AssertSame(expected, reference, $"{c.Stage} on {c.Input} (reference)", tolerance);

        var engine = format.Allocate();
        filter.Apply(new[] { input }, engine);
        SeparableFixtures.AssertSame(expected, engine, $"{c.Stage} on {c.Input} (engine)", tolerance);
    }
}
