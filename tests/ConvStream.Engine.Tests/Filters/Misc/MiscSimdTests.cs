using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Stages;
using ConvStream.Stages.Filters;

namespace ConvStream.Engine.Tests.Filters.Misc;

/// <summary>
/// Every SIMD level with 1 and 2 threads against the scalar path on one thread, on seeded random
/// geometries (odd widths, 1-pixel images, kernels larger than the image, bands split across
/// threads): the results must be identical to the bit. The generic filter is also checked against
/// <see cref="Filter2DReference"/> (same FMA order, so identical too).
/// </summary>
public sealed class MiscSimdTests
{
    private static readonly (int W, int H)[] Sizes =
        [(1, 1), (2, 3), (5, 1), (1, 7), (17, 5), (33, 4), (63, 9), (64, 8), (65, 3), (129, 6), (200, 41), (301, 64)];

    private static readonly BorderMode[] Borders = Enum.GetValues<BorderMode>();

    /// <summary>The stage built at each level and thread count against the stage built for scalar on one thread.</summary>
    private static void AllPathsEqualScalar(string stage, Frame[] inputs, string what)
    {
        var scalar = MiscTestSupport.Run(StageRegistry.Create(stage, settings: MiscTestSupport.Settings(SimdLevel.Scalar, 1)), inputs);
        MiscTestSupport.ForEachPath((level, threads, settings) =>
            MiscTestSupport.AssertIdentical(scalar, MiscTestSupport.Run(StageRegistry.Create(stage, settings: settings), inputs), $"{what} at {level} with {threads} thread(s)"));
    }

    [Fact]
    public void Gray_every_path_equals_the_formula()
    {
        var rng = new Random(11);
        foreach (var (w, h) in Sizes)
        {
            var src = MiscTestSupport.RandomFrame(rng, w, h, 3, PixelDepth.U8);
            MiscTestSupport.ForEachPath((level, threads, settings) =>
            {
                var g = MiscTestSupport.Run(StageRegistry.Create("gray", settings: settings), src);
                for (int y = 0; y < h; y++)
                {
                    var s = src.Row<byte>(y); var d = g.Row<byte>(y);
                    for (int x = 0; x < w; x++)
                    {
                        int want = (9798 * s[3 * x + 2] + 19235 * s[3 * x + 1] + 3735 * s[3 * x] + 16384) >> 15;
                        Assert.True(d[x] == want, $"gray {w}x{h} at {level}/{threads}: ({x},{y}) is {d[x]}, expected {want}");
                    }
                }
            });
        }
    }

    [Fact]
    public void Gray_of_extreme_pixels()
    {
        // Hand-checked values of (9798R + 19235G + 3735B + 16384) >> 15.
        var src = FrameConvert.FromPacked<byte>(new byte[] { 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 1, 1 }, 6, 1, 3);
        MiscTestSupport.ForEachPath((_, _, settings) =>
            Assert.Equal(new byte[] { 255, 0, 29, 150, 76, 1 }, MiscTestSupport.Run(new GrayFilter(settings), src).ToPacked()));
    }

    [Fact]
    public void Sobel_magnitude_every_path_equals_scalar()
    {
        var rng = new Random(12);
        foreach (var (w, h) in Sizes)
            foreach (int c in new[] { 1, 3 })
            {
                var src = MiscTestSupport.RandomFrame(rng, w, h, c, PixelDepth.U8);
                var border = Borders[rng.Next(Borders.Length)];
                string norm = rng.Next(2) == 0 ? "l1" : "l2";
                string stage = $"sobel-magnitude:norm={norm},border={border.Name()},scale={(rng.Next(2) == 0 ? "1" : "0.37")}";
                AllPathsEqualScalar(stage, [src], $"{stage} on {w}x{h}x{c}");
            }
    }

    [Fact]
    public void Sobel_magnitude_equals_its_definition_on_gray()
    {
        // dx = [-1 0 1]·[1 2 1]ᵀ, dy its transpose, |.|₂, round half even; reflect border.
        var rng = new Random(13);
        var src = MiscTestSupport.RandomFrame(rng, 29, 17, 1, PixelDepth.U8);
        var got = MiscTestSupport.Run(StageRegistry.Create("sobel-magnitude"), src);
        int P(int x, int y) => src.Row<byte>(BorderModes.Map(y, 17, BorderMode.Reflect))[BorderModes.Map(x, 29, BorderMode.Reflect)];
        for (int y = 0; y < 17; y++)
            for (int x = 0; x < 29; x++)
            {
                int dx = P(x + 1, y - 1) - P(x - 1, y - 1) + 2 * (P(x + 1, y) - P(x - 1, y)) + P(x + 1, y + 1) - P(x - 1, y + 1);
                int dy = P(x - 1, y + 1) + 2 * P(x, y + 1) + P(x + 1, y + 1) - P(x - 1, y - 1) - 2 * P(x, y - 1) - P(x + 1, y - 1);
                double m = Math.Round(Math.Sqrt(dx * dx + dy * dy), MidpointRounding.ToEven);
                Assert.Equal((byte)Math.Min(255, m), got.Row<byte>(y)[x]);
            }
    }

    [Fact]
    public void Magnitude_every_path_equals_scalar()
    {
        var rng = new Random(14);
        foreach (var (w, h) in Sizes)
            foreach (var depth in new[] { PixelDepth.S16, PixelDepth.F32 })
            {
                int c = rng.Next(1, 4);
                var dx = MiscTestSupport.RandomFrame(rng, w, h, c, depth);
                var dy = MiscTestSupport.RandomFrame(rng, w, h, c, depth);
                string stage = $"magnitude:norm={(rng.Next(2) == 0 ? "l1" : "l2")},depth={(rng.Next(2) == 0 ? "u8" : "f32")}";
                AllPathsEqualScalar(stage, [dx, dy], $"{stage} on {w}x{h}x{c} {depth}");
            }
    }

    private static Filter2DKernel RandomKernel(Random rng, int cout, int cin, bool perChannel, BorderMode border)
    {
        int kh = rng.Next(1, 8), kw = rng.Next(1, 8);
        var w = new float[cout * cin * kh * kw];
        for (int i = 0; i < w.Length; i++) w[i] = rng.Next(5) == 0 ? 0f : (float)Math.Round(rng.NextDouble() * 2 - 1, 3);
        var bias = Enumerable.Range(0, cout).Select(_ => (float)Math.Round(rng.NextDouble() * 20 - 10, 2)).ToArray();
        return new Filter2DKernel(w, cout, cin, kh, kw, rng.Next(kw), rng.Next(kh), bias, perChannel, border);
    }

    [Fact]
    public void Conv_every_path_equals_scalar_and_the_reference()
    {
        var rng = new Random(15);
        foreach (var (w, h) in Sizes)
            for (int rep = 0; rep < 3; rep++)
            {
                var border = Borders[rng.Next(Borders.Length)];
                bool multi = rep == 2;
                int c = rng.Next(1, 5);
                var kernel = multi ? RandomKernel(rng, rng.Next(1, 4), c, false, border) : RandomKernel(rng, 1, 1, true, border);
                var inDepth = (PixelDepth)rng.Next(3);
                var outDepth = (PixelDepth)rng.Next(3);
                var src = MiscTestSupport.RandomFrame(rng, w, h, c, inDepth);
                string what = $"conv {kernel.KW}x{kernel.KH} anchor ({kernel.AnchorX};{kernel.AnchorY}) {(multi ? $"{c}->{kernel.OutChannels}" : $"per channel x{c}")} {border.Name()} {inDepth}->{outDepth} on {w}x{h}";
                var reference = FrameFormat.Of(src) with { Channels = kernel.OutputChannels(c), Depth = outDepth };
                var expected = reference.Allocate();
                Filter2DReference.Apply(kernel, src, expected);
                MiscTestSupport.ForEachPath((level, threads, settings) =>
                    MiscTestSupport.AssertIdentical(expected, MiscTestSupport.Run(ConvStage.Build(kernel, outDepth, "random", settings), src), $"{what} at {level} with {threads} thread(s)"));
            }
    }

    [Fact]
    public void Pools_every_path_equal_scalar()
    {
        var rng = new Random(16);
        foreach (var (w, h) in Sizes)
            foreach (var op in new[] { "maxpool", "avgpool" })
                foreach (int c in new[] { 1, 2, 3, 4, 5, 9, 17 })
                {
                    int size = rng.Next(3) == 0 ? rng.Next(1, 5) : 2;
                    int stride = size == 2 && rng.Next(3) != 0 ? 2 : rng.Next(1, 4);
                    if (w < size || h < size) continue;
                    var src = MiscTestSupport.RandomFrame(rng, w, h, c, PixelDepth.U8);
                    string stage = $"{op}:size={size},stride={stride}";
                    AllPathsEqualScalar(stage, [src], $"{stage} on {w}x{h}x{c}");
                }
    }

    [Fact]
    public void Pools_equal_their_definition()
    {
        var rng = new Random(17);
        foreach (var (w, h) in Sizes)
            foreach (int c in new[] { 1, 3, 4 })
            {
                if (w < 2 || h < 2) continue;
                var src = MiscTestSupport.RandomFrame(rng, w, h, c, PixelDepth.U8);
                var max = MiscTestSupport.Run(StageRegistry.Create("maxpool"), src);
                var avg = MiscTestSupport.Run(StageRegistry.Create("avgpool"), src);
                Assert.Equal((w / 2, h / 2), (max.Width, max.Height));
                for (int y = 0; y < h / 2; y++)
                    for (int x = 0; x < w / 2; x++)
                        for (int ch = 0; ch < c; ch++)
                        {
                            int a = src.Row<byte>(2 * y)[2 * x * c + ch], b = src.Row<byte>(2 * y)[(2 * x + 1) * c + ch];
                            int d = src.Row<byte>(2 * y + 1)[2 * x * c + ch], e = src.Row<byte>(2 * y + 1)[(2 * x + 1) * c + ch];
                            Assert.Equal(Math.Max(Math.Max(a, b), Math.Max(d, e)), max.Row<byte>(y)[x * c + ch]);
                            Assert.Equal((a + b + d + e + 2) >> 2, avg.Row<byte>(y)[x * c + ch]);
                        }
            }
    }
}
