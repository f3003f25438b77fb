using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;
using ConvStream.Engine.Tests.Filters.Misc;

namespace ConvStream.Engine.Tests.Imaging;

/// <summary>
/// The vectorised BGR (de)interleave of <see cref="FrameConvert.ToTensor(Frame, Tensor, ExecutionSettings?)"/>
/// and <see cref="FrameConvert.FromTensor"/> against the strided scalar loop written out here, at every
/// SIMD level and 1/2 threads: every width 1..70 (full vectors of each width and every tail) and
/// 1920, odd heights, u8/s16/f32, compared bit for bit.
/// </summary>
public sealed class BgrPlaneConvertTests
{
    private static readonly PixelDepth[] Depths = [PixelDepth.U8, PixelDepth.S16, PixelDepth.F32];

    private static IEnumerable<(int W, int H)> Sizes()
    {
        for (int w = 1; w <= 70; w++) yield return (w, 1 + 2 * (w % 3));
        yield return (1920, 3);
    }

    [Fact]
    public void Frame_to_planes_is_the_strided_copy_of_the_widened_samples()
    {
        var rng = new Random(91);
        foreach (var depth in Depths)
            foreach (var (w, h) in Sizes())
            {
                var src = MiscTestSupport.RandomFrame(rng, w, h, 3, depth);
                if (depth == PixelDepth.F32) { src.Row<float>(0)[0] = float.NaN; src.Row<float>(h - 1)[3 * w - 1] = -0f; }
                float[] packed = FrameConvert.ToPackedFloats(src);
                var expected = new float[3 * h * w];
                for (int ch = 0; ch < 3; ch++)
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++) expected[(ch * h + y) * w + x] = packed[(y * w + x) * 3 + ch];
                MiscTestSupport.ForEachPath((level, threads, settings) =>
                {
                    var t = new Tensor(new float[3 * h * w], 3, h, w);
                    FrameConvert.ToTensor(src, t, settings);
                    AssertBits(expected, t.Data, $"{depth} {w}x{h} → tensor at {level}, {threads} threads", h, w);
                });
            }
    }

    [Fact]
    public void Planes_to_frame_interleave_then_saturate_as_the_scalar_narrowing()
    {
        var rng = new Random(92);
        foreach (var depth in Depths)
            foreach (var (w, h) in Sizes())
            {
                // Halves (round half to even), values past both ends of u8 and s16, and −0.
                var t = new Tensor(new float[3 * h * w], 3, h, w);
                for (int i = 0; i < t.Data.Length; i++)
                    t.Data[i] = rng.Next(8) == 0 ? rng.Next(-70000, 70000) : rng.Next(-100, 620) / 2f;
                t.Data[^1] = -0f;
                // The reference: a strided interleave into an f32 frame, narrowed one sample at a time.
                var interleaved = new Frame(w, h, 3, PixelDepth.F32);
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        for (int ch = 0; ch < 3; ch++) interleaved.Row<float>(y)[x * 3 + ch] = t[ch, y, x];
                var expected = new Frame(w, h, 3, depth);
                FrameConvert.ConvertDepth(interleaved, expected, MiscTestSupport.Settings(SimdLevel.Scalar, 1));
                MiscTestSupport.ForEachPath((level, threads, settings) =>
                {
                    var dst = new Frame(w, h, 3, depth);
                    FrameConvert.FromTensor(t, dst, settings);
                    MiscTestSupport.AssertIdentical(expected, dst, $"tensor → {depth} {w}x{h} at {level}, {threads} threads");
                });
            }
    }

    [Fact]
    public void Round_trips_through_the_planes_are_exact()
    {
        var rng = new Random(93);
        foreach (var depth in Depths)
            foreach (var (w, h) in new[] { (1, 1), (17, 3), (69, 5), (1920, 1) })
            {
                var src = MiscTestSupport.RandomFrame(rng, w, h, 3, depth);
                MiscTestSupport.ForEachPath((level, threads, settings) =>
                {
                    var t = new Tensor(new float[3 * h * w], 3, h, w);
                    FrameConvert.ToTensor(src, t, settings);
                    var back = new Frame(w, h, 3, depth);
                    FrameConvert.FromTensor(t, back, settings);
                    MiscTestSupport.AssertIdentical(src, back, $"{depth} {w}x{h} round trip at {level}, {threads} threads");
                });
            }
    }

    private static void AssertBits(float[] expected, float[] actual, string what, int h, int w)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: plane {i / (h * w)}, row {i / w % h}, x {i % w} is {actual[i]}, expected {expected[i]}");
    }
}
