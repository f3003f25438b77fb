using System.Globalization;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using FsCheck;
using FsCheck.Fluent;
using OpenCvSharp;
using static ConvStream.Engine.Tests.Filters.OpenCvProperties.OpenCvOracle;

namespace ConvStream.Engine.Tests.Filters.OpenCvProperties;

/// <summary>
/// ConvStream's 8-bit video filters against OpenCV 4.13 in the same process, on random cases made by
/// FsCheck: sizes 1×1 to 300 a side, 1/3/4 channels, every border mode, kernel sizes, sigmas, output
/// depths. Bit-exact where OpenCV is (everything but filter2D, which OpenCV computes in float: ±1 on
/// u8, the contract). Where OpenCV refuses BORDER_WRAP, the frame is wrapped first (see OpenCv()).
/// </summary>
public class FilterPropertyTests
{
    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// OpenCV's <paramref name="op"/> with <paramref name="border"/>; for <c>circular</c>, which most of
    /// OpenCV's filters refuse, the frame is wrapped by <paramref name="pad"/> pixels first (copyMakeBorder
    /// BORDER_WRAP, as the 4.6 fixtures do with numpy.pad(mode="wrap")) and the centre of the result kept.
    /// </summary>
    private static Mat OpenCv(Mat src, BorderMode border, int pad, Action<Mat, Mat, BorderTypes> op)
    {
        var result = new Mat();
        if (border != BorderMode.Circular) { op(src, result, ToOpenCv(border)); return result; }
        using var wrapped = new Mat();
        Cv2.CopyMakeBorder(src, wrapped, pad, pad, pad, pad, BorderTypes.Wrap);
        using var full = new Mat();
        op(wrapped, full, BorderTypes.Reflect101);
        using var centre = new Mat(full, new Rect(pad, pad, src.Cols, src.Rows));
        centre.CopyTo(result);
        return result;
    }

    private static Gen<(int W, int H, int C, BorderMode Border, int Seed)> Frames(Gen<int>? channels = null) =>
        from w in Side
        from h in Side
        from c in channels ?? Channels
        from b in Gen.Elements(Borders)
        from seed in Gen.Choose(0, int.MaxValue)
        select (w, h, c, b, seed);

    /// <summary>
    /// The oracle every property below leans on can fail: one sample off by one is reported, and so is a
    /// result of the wrong size, while the same frame compared with itself passes.
    /// </summary>
    [Fact]
    public void TheOracleCatchesOneSampleOffByOne()
    {
        var input = RandomFrame(17, 9, 3, seed: 7);
        using var same = View(input);
        AssertClose(same, input, "identity");
        using var changed = same.Clone();
        changed.Set(4, 5 * 3 + 1, (byte)(changed.At<byte>(4, 5 * 3 + 1) ^ 1));
        var error = Assert.Throws<Xunit.Sdk.XunitException>(() => AssertClose(changed, input, "one sample"));
        Assert.Contains("by 1 at row 4", error.Message);
        using var smaller = new Mat(same, new Rect(0, 0, 16, 9));
        Assert.Throws<Xunit.Sdk.XunitException>(() => AssertClose(smaller, input, "size"));
    }

    [Fact]
    public void GrayIsCvtColor()
    {
        Prop.ForAll(Frames(Gen.Constant(3)).ToArbitrary(), f =>
        {
            var input = RandomFrame(f.W, f.H, 3, f.Seed);
            using var src = View(input);
            using var expected = new Mat();
            Cv2.CvtColor(src, expected, ColorConversionCodes.BGR2GRAY);
            AssertClose(expected, Run("gray", input), $"gray {f.W}x{f.H}");
        }).Check(Config(1500));
    }

    [Fact]
    public void GaussianIsGaussianBlur()
    {
        var cases = from f in Frames()
                    from k in Gen.Elements(0, 1, 3, 5, 7, 9, 11)
                    from sx in Gen.Elements(0.0, 0.5, 0.8, 1.0, 1.5, 2.0, 3.3)
                    from sy in Gen.Elements(-1.0, 0.0, 0.7, 1.8) // -1: sigma_y not given (= sigma)
                    where k > 0 || sx > 0
                    select (f, k, sx, sy);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (f, k, sx, sy) = c;
            var input = RandomFrame(f.W, f.H, f.C, f.Seed);
            using var src = View(input);
            using var expected = OpenCv(src, f.Border, 40, (a, b, t) => Cv2.GaussianBlur(a, b, new Size(k, k), sx, sy < 0 ? 0 : sy, t));
            string spec = $"gaussian:size={k},sigma={F(sx)}{(sy < 0 ? "" : $",sigma_y={F(sy)}")},border={Name(f.Border)}";
            AssertClose(expected, Run(spec, input), $"{spec} on {f.W}x{f.H}x{f.C}");
        }).Check(Config(2500));
    }

    [Fact]
    public void BoxIsBlurAndBoxFilter()
    {
        var cases = from f in Frames()
                    from k in Gen.Choose(1, 9)
                    from unnormalized in Gen.Elements(false, true)
                    select (f, k, unnormalized);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (f, k, unnormalized) = c;
            var input = RandomFrame(f.W, f.H, f.C, f.Seed);
            using var src = View(input);
            var depth = unnormalized ? MatType.CV_16S : MatType.CV_8U;
            using var expected = OpenCv(src, f.Border, k, (a, b, t) => Cv2.BoxFilter(a, b, depth, new Size(k, k), new Point(-1, -1), !unnormalized, t));
            string spec = $"box:size={k}{(unnormalized ? ",normalize=false,depth=s16" : "")},border={Name(f.Border)}";
            AssertClose(expected, Run(spec, input), $"{spec} on {f.W}x{f.H}x{f.C}");
        }).Check(Config(1500));
    }

    [Fact]
    public void SobelIsSobel()
    {
        var cases = from f in Frames()
                    from size in Gen.Elements(1, 3, 5, 7)
                    from dx in Gen.Choose(0, 2)
                    from dy in Gen.Choose(0, 2)
                    from depth in Gen.Elements(PixelDepth.S16, PixelDepth.U8, PixelDepth.F32)
                    where dx + dy > 0 && (size > 1 || (dx < 2 && dy < 2)) && dx < size && dy < size
                    select (f, size, dx, dy, depth);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (f, size, dx, dy, depth) = c;
            var input = RandomFrame(f.W, f.H, f.C, f.Seed);
            using var src = View(input);
            using var expected = OpenCv(src, f.Border, size, (a, b, t) => Cv2.Sobel(a, b, TypeOf(depth, 1).Depth, dx, dy, size, 1, 0, t));
            string spec = $"sobel:dx={dx},dy={dy},size={size},depth={depth.Name()},border={Name(f.Border)}";
            AssertClose(expected, Run(spec, input), $"{spec} on {f.W}x{f.H}x{f.C}", depth == PixelDepth.F32 ? 1e-4 * 255 * 64 : 0);
        }).Check(Config(2000));
    }

    [Fact]
    public void ScharrIsScharr()
    {
        var cases = from f in Frames()
                    from horizontal in Gen.Elements(true, false)
                    from depth in Gen.Elements(PixelDepth.S16, PixelDepth.U8)
                    select (f, horizontal, depth);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (f, horizontal, depth) = c;
            var input = RandomFrame(f.W, f.H, f.C, f.Seed);
            using var src = View(input);
            int dx = horizontal ? 1 : 0, dy = 1 - dx;
            using var expected = OpenCv(src, f.Border, 3, (a, b, t) => Cv2.Scharr(a, b, TypeOf(depth, 1).Depth, dx, dy, 1, 0, t));
            string spec = $"scharr:dx={dx},dy={dy},depth={depth.Name()},border={Name(f.Border)}";
            AssertClose(expected, Run(spec, input), $"{spec} on {f.W}x{f.H}x{f.C}");
        }).Check(Config(1000));
    }

    [Fact]
    public void LaplacianIsLaplacian()
    {
        var cases = from f in Frames()
                    from size in Gen.Elements(1, 3, 5)
                    from depth in Gen.Elements(PixelDepth.S16, PixelDepth.U8)
                    select (f, size, depth);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (f, size, depth) = c;
            var input = RandomFrame(f.W, f.H, f.C, f.Seed);
            using var src = View(input);
            using var expected = OpenCv(src, f.Border, size, (a, b, t) => Cv2.Laplacian(a, b, TypeOf(depth, 1).Depth, size, 1, 0, t));
            string spec = $"laplacian:size={size},depth={depth.Name()},border={Name(f.Border)}";
            AssertClose(expected, Run(spec, input), $"{spec} on {f.W}x{f.H}x{f.C}");
        }).Check(Config(1000));
    }

    [Fact]
    public void ConvIsFilter2D()
    {
        // OpenCV computes filter2D in float (or via DFT for big kernels): u8 results may be 1 apart, the contract.
        var cases = from f in Frames()
                    from kw in Gen.Choose(1, 7)
                    from kh in Gen.Choose(1, 7)
                    from weights in Gen.ArrayOf(Gen.Choose(-8, 8), kw * kh)
                    from denominator in Gen.Elements(1, 2, 4, 8, 16)
                    from depth in Gen.Elements(PixelDepth.U8, PixelDepth.F32)
                    select (f, kw, kh, weights, denominator, depth);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (f, kw, kh, w, den, depth) = c;
            float[] weights = w.Select(v => (float)v / den).ToArray();
            var input = RandomFrame(f.W, f.H, f.C, f.Seed);
            using var src = View(input);
            using var kernel = Mat.FromPixelData(kh, kw, MatType.CV_32FC1, weights);
            using var expected = OpenCv(src, f.Border, 7, (a, b, t) => Cv2.Filter2D(a, b, TypeOf(depth, 1).Depth, kernel, new Point(-1, -1), 0, t));
            var filter = new ConvFilter(new Filter2DKernel(weights, 1, 1, kh, kw, kw / 2, kh / 2, [0f], perChannel: true, f.Border), depth, "random");
            AssertClose(expected, Run(filter, input), $"filter2D {kw}x{kh} [{string.Join(",", weights)}] {depth.Name()} {Name(f.Border)} on {f.W}x{f.H}x{f.C}",
                depth == PixelDepth.U8 ? 1 : 1e-3);
        }).Check(Config(1500));
    }

    [Fact]
    public void AvgPool2x2IsResizeInterArea()
    {
        Prop.ForAll(Frames().Where(f => f.W >= 2 && f.H >= 2).ToArbitrary(), f =>
        {
            var input = RandomFrame(f.W, f.H, f.C, f.Seed);
            using var src = View(input);
            // ConvStream drops a last partial window (PyTorch); OpenCV halves exactly an even-sized frame.
            using var even = new Mat(src, new Rect(0, 0, f.W / 2 * 2, f.H / 2 * 2));
            using var expected = new Mat();
            Cv2.Resize(even, expected, new Size(f.W / 2, f.H / 2), 0, 0, InterpolationFlags.Area);
            AssertClose(expected, Run("avgpool:size=2", input), $"avgpool 2x2 on {f.W}x{f.H}x{f.C}");
        }).Check(Config(1500));
    }

    [Fact]
    public void MaxPoolIsDilateSampledAtTheWindows()
    {
        var cases = from f in Frames()
                    from k in Gen.Choose(2, 4)
                    from s in Gen.Choose(1, 4)
                    where f.W >= k && f.H >= k
                    select (f, k, s);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (f, k, s) = c;
            var input = RandomFrame(f.W, f.H, f.C, f.Seed);
            using var src = View(input);
            // dilate with a k×k box anchored at its top-left is the max of the window starting at each pixel.
            using var dilated = new Mat();
            using var box = Mat.Ones(k, k, MatType.CV_8UC1).ToMat();
            Cv2.Dilate(src, dilated, box, new Point(0, 0), 1, BorderTypes.Replicate);
            int ow = (f.W - k) / s + 1, oh = (f.H - k) / s + 1;
            using var expected = new Mat(oh, ow, src.Type());
            using var expectedFlat = expected.Reshape(1);
            using var dilatedFlat = dilated.Reshape(1);
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                    for (int ch = 0; ch < f.C; ch++)
                        expectedFlat.Set(y, x * f.C + ch, dilatedFlat.At<byte>(y * s, (x * s) * f.C + ch));
            AssertClose(expected, Run($"maxpool:size={k},stride={s}", input), $"maxpool {k} stride {s} on {f.W}x{f.H}x{f.C}");
        }).Check(Config(1000));
    }
}
