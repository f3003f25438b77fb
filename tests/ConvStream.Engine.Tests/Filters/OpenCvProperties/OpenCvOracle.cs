using ConvStream.Engine.Filters;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using FsCheck;
using FsCheck.Fluent;
using OpenCvSharp;
using ConvStream.Stages;

namespace ConvStream.Engine.Tests.Filters.OpenCvProperties;

/// <summary>
/// What the property tests share: random frames as OpenCV Mats over the same memory, ConvStream's
/// border names mapped to OpenCV's, the case generators, and the comparison that names the first
/// differing pixel. OpenCV 4.13 (OpenCvSharp) runs in this process; the committed 4.6 fixtures stay
/// beside (Fixtures/opencv).
/// </summary>
internal static class OpenCvOracle
{
    /// <summary>Thousands of cases in a few seconds: most frames small, some up to a few hundred pixels a side.</summary>
    public static Config Config(int cases) => FsCheck.Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true);

    public static readonly BorderMode[] Borders = [BorderMode.Zeros, BorderMode.Replicate, BorderMode.Reflect, BorderMode.Symmetric, BorderMode.Circular];

    public static BorderTypes ToOpenCv(BorderMode b) => b switch
    {
        BorderMode.Zeros => BorderTypes.Constant,
        BorderMode.Replicate => BorderTypes.Replicate,
        BorderMode.Reflect => BorderTypes.Reflect101,
        BorderMode.Symmetric => BorderTypes.Reflect,
        _ => BorderTypes.Wrap,
    };

    public static string Name(BorderMode b) => b.ToString().ToLowerInvariant();

    public static Gen<int> Side => Gen.Frequency((14, Gen.Choose(1, 24)), (5, Gen.Choose(25, 96)), (1, Gen.Choose(97, 300)));

    public static Gen<int> Channels => Gen.Elements(1, 3, 4);

    /// <summary>A frame of seeded random bytes; some rows flat or saturated so rounding at 0 and 255 is reached.</summary>
    public static Frame RandomFrame(int width, int height, int channels, int seed)
    {
        var rng = new Random(seed);
        var f = new Frame(width, height, channels);
        int style = seed & 3;
        for (int y = 0; y < height; y++)
        {
            var row = f.RowSpan(y);
            if (style == 0) rng.NextBytes(row);
            else for (int i = 0; i < row.Length; i++) row[i] = style switch { 1 => (byte)(rng.Next(2) * 255), 2 => (byte)((i * 7 + y * 3) & 255), _ => (byte)rng.Next(120, 136) };
        }
        return f;
    }

    public static MatType TypeOf(PixelDepth d, int c) => d switch
    {
        PixelDepth.U8 => MatType.CV_8UC(c),
        PixelDepth.S16 => MatType.CV_16SC(c),
        _ => MatType.CV_32FC(c),
    };

    /// <summary>A Mat header over the frame's pixels (no copy; the frame's rows are 64-byte strided).</summary>
    public static Mat View(Frame f) => Mat.FromPixelData(f.Height, f.Width, TypeOf(f.Depth, f.Channels), f.Address, f.Stride);

    /// <summary>Runs a ConvStream stage spec on the frame into a fresh frame of its planned format.</summary>
    public static Frame Run(string spec, Frame input)
    {
        var filter = StageRegistry.Create(StageSpec.Parse(spec, "."));
        return Run(filter, input);
    }

    public static Frame Run(IFrameFilter filter, Frame input)
    {
        var output = filter.OutputFormat([FrameFormat.Of(input)]).Allocate();
        filter.Apply([input], output);
        return output;
    }

    /// <summary>Exact equality, or at most <paramref name="tolerance"/> apart; fails naming the case and the first differing sample.</summary>
    public static void AssertClose(Mat expected, Frame actual, string what, double tolerance = 0)
    {
        using var view = View(actual);
        if (expected.Size() != view.Size() || expected.Type() != view.Type())
            throw new Xunit.Sdk.XunitException($"{what}: ConvStream gives {view.Cols}x{view.Rows} {view.Type()}, OpenCV {expected.Cols}x{expected.Rows} {expected.Type()}");
        using var diff = new Mat();
        Cv2.Absdiff(expected, view, diff);
        using var flat = diff.Reshape(1);
        Cv2.MinMaxLoc(flat, out _, out double max, out _, out Point at);
        if (max > tolerance)
            throw new Xunit.Sdk.XunitException($"{what}: differs from OpenCV by {max} at row {at.Y}, sample {at.X} (tolerance {tolerance})");
    }
}
