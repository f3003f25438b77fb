using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests.Filters.Misc;

/// <summary>Frame ↔ tensor and depth conversions: exact widening, OpenCV's saturate_cast rounding (half to even) on narrowing.</summary>
public sealed class MiscFrameConvertTests
{
    // Values and what saturate_cast<uchar>/saturate_cast<short> give for them (round half to even).
    private static readonly float[] Values = [0.5f, 1.5f, 2.5f, -0.5f, -3f, 254.5f, 255.5f, 300f, 127.49f, 127.51f, -40000f, 40000f, 32767.5f, -2.5f, 3.5f, 100.5f, 0f];
    private static readonly byte[] AsU8 = [0, 2, 2, 0, 0, 254, 255, 255, 127, 128, 0, 255, 255, 0, 4, 100, 0];
    private static readonly short[] AsS16 = [0, 2, 2, 0, -3, 254, 256, 300, 127, 128, -32768, 32767, 32767, -2, 4, 100, 0];

    [Fact]
    public void Float_to_u8_and_s16_round_half_to_even_and_saturate()
    {
        // Repeat the values so every vector width has full vectors and a scalar tail.
        int reps = 9, n = Values.Length * reps;
        var f = new Frame(n, 2, 1, PixelDepth.F32);
        for (int y = 0; y < 2; y++) for (int i = 0; i < n; i++) f.Row<float>(y)[i] = Values[i % Values.Length];
        MiscTestSupport.ForEachPath((level, threads, settings) =>
        {
            var u = new Frame(n, 2, 1, PixelDepth.U8); FrameConvert.ConvertDepth(f, u, settings);
            var s = new Frame(n, 2, 1, PixelDepth.S16); FrameConvert.ConvertDepth(f, s, settings);
            for (int y = 0; y < 2; y++)
                for (int i = 0; i < n; i++)
                {
                    Assert.True(AsU8[i % Values.Length] == u.Row<byte>(y)[i], $"{level}: u8 of {Values[i % Values.Length]} is {u.Row<byte>(y)[i]}");
                    Assert.True(AsS16[i % Values.Length] == s.Row<short>(y)[i], $"{level}: s16 of {Values[i % Values.Length]} is {s.Row<short>(y)[i]}");
                }
        });
    }

    [Fact]
    public void Tensor_round_trip_is_planar_and_exact()
    {
        var rng = new Random(3);
        foreach (var (w, h, c) in new[] { (1, 1, 1), (7, 3, 3), (70, 5, 3), (33, 2, 4) })
        {
            var src = MiscTestSupport.RandomFrame(rng, w, h, c, PixelDepth.U8);
            MiscTestSupport.ForEachPath((level, threads, settings) =>
            {
                var t = new Tensor(new float[c * h * w], c, h, w);
                FrameConvert.ToTensor(src, t, settings);
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int ch = 0; ch < c; ch++)
                    Assert.Equal(src.Row<byte>(y)[x * c + ch], t[ch, y, x]);
                var back = new Frame(w, h, c, PixelDepth.U8);
                FrameConvert.FromTensor(t, back, settings);
                MiscTestSupport.AssertIdentical(src, back, $"round trip {w}x{h}x{c} at {level}");
                var f = new Frame(w, h, c, PixelDepth.F32);
                FrameConvert.ConvertDepth(src, f, settings);
                var s = new Frame(w, h, c, PixelDepth.S16);
                FrameConvert.ConvertDepth(src, s, settings);
                for (int y = 0; y < h; y++) for (int i = 0; i < w * c; i++)
                {
                    Assert.Equal(src.Row<byte>(y)[i], f.Row<float>(y)[i]);
                    Assert.Equal(src.Row<byte>(y)[i], s.Row<short>(y)[i]);
                }
            });
        }
    }

    [Fact]
    public void Mismatched_shapes_are_refused()
    {
        var f = new Frame(4, 3, 3);
        var e = Assert.Throws<ConvStreamException>(() => FrameConvert.ToTensor(f, new Tensor(new float[36], 3, 4, 3)));
        Assert.Contains("(3,3,4)", e.Message);
        Assert.Throws<ConvStreamException>(() => FrameConvert.ConvertDepth(f, new Frame(4, 3, 1, PixelDepth.F32)));
    }
}
