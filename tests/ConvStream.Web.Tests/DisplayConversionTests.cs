using ConvStream.Engine.Imaging;

namespace ConvStream.Web.Tests;

/// <summary>
/// Stages that are not 8-bit gray or BGR are shown as the file outputs show them: s16 by absolute
/// value, f32 rounded and saturated, feature maps of other channel counts as one gray tile per
/// channel stretched from its minimum to its maximum. Checked on cnn.json and a small s16 pipeline,
/// against conversions written out here from their definitions.
/// </summary>
public sealed class DisplayConversionTests
{
    [Fact]
    public async Task An_s16_stage_is_shown_by_absolute_value_saturated()
    {
        await using var p = await TestPipeline.StartAsync("s16.json", text: """
            {
              "source": "test:640x360@30",
              "stages": [
                { "name": "gray", "op": "gray" },
                { "name": "dx", "op": "sobel", "input": "gray", "dx": 1, "dy": 0 }
              ],
              "outputs": [ { "kind": "null", "stage": "dx" } ]
            }
            """);
        var (index, pixels, w, h, c) = await p.SnapshotAsync("dx");
        var raw = p.Reference("dx", index);
        Assert.Equal(PixelDepth.S16, raw.Depth);
        Assert.Equal((640, 360, 1), (w, h, c));
        int saturated = 0;
        for (int y = 0; y < h; y++)
        {
            var row = raw.Row<short>(y);
            for (int x = 0; x < w; x++)
            {
                int expected = Math.Min(255, Math.Abs((int)row[x]));
                if (expected == 255) saturated++;
                Assert.Equal(expected, pixels[y * w + x]);
            }
        }
        Assert.True(saturated > 0, "the test frame has no strong edge: it checks nothing about saturation");
    }

    [Fact]
    public async Task An_f32_picture_is_rounded_and_saturated_and_feature_maps_are_tiled_per_channel()
    {
        await using var p = await TestPipeline.StartAsync("cnn.json");
        var (index, pixels, w, h, c) = await p.SnapshotAsync("reconstructed");
        var raw = p.Reference("reconstructed", index);
        Assert.Equal((PixelDepth.F32, 3), (raw.Depth, raw.Channels));
        Assert.Equal((raw.Width, raw.Height, 3), (w, h, c));
        for (int y = 0; y < h; y++)
        {
            var row = raw.Row<float>(y);
            for (int x = 0; x < w * 3; x++)
                Assert.Equal((byte)Math.Clamp(Math.Round(row[x], MidpointRounding.ToEven), 0, 255), pixels[y * w * 3 + x]);
        }

        // relu: 8 channels of 640x360 → a 3x3 grid at most 1280 wide: cells of 426x240, each map
        // scaled by min(426/640, 240/360) to 426x239 (nearest neighbour) and stretched from its own
        // minimum..maximum to 0..255; the ninth cell stays black.
        (index, pixels, w, h, c) = await p.SnapshotAsync("relu");
        var maps = p.Reference("relu", index);
        Assert.Equal(8, maps.Channels);
        Assert.Equal((1280, 720, 3), (w, h, c));
        double scale = Math.Min(426.0 / 640, 240.0 / 360);
        for (int t = 0; t < 9; t++)
        {
            int x0 = t % 3 * 426, y0 = t / 3 * 240;
            var (min, max) = t < 8 ? ChannelRange(maps, t) : (0f, 0f);
            for (int y = 0; y < 239; y++)
            {
                int sy = Math.Min(359, (int)((y + 0.5) / scale));
                for (int x = 0; x < 426; x++)
                {
                    int i = ((y0 + y) * w + x0 + x) * 3;
                    Assert.True(pixels[i] == pixels[i + 1] && pixels[i] == pixels[i + 2], $"tile {t} is not gray at ({x},{y})");
                    if (t == 8) { Assert.Equal(0, pixels[i]); continue; }
                    int sx = Math.Min(639, (int)((x + 0.5) / scale));
                    float v = maps.Row<float>(sy)[sx * 8 + t];
                    double expected = max > min ? Math.Clamp(Math.Round((v - min) * 255.0 / (max - min)), 0, 255) : 0;
                    // ±1: the display rounds a float product, this a double one.
                    Assert.True(Math.Abs(pixels[i] - expected) <= 1, $"channel {t} at ({sx},{sy}) = {v} ({min}..{max}) shown as {pixels[i]}, expected {expected}");
                }
            }
        }
    }

    private static (float Min, float Max) ChannelRange(Frame f, int channel)
    {
        float min = float.MaxValue, max = float.MinValue;
        for (int y = 0; y < f.Height; y++)
        {
            var row = f.Row<float>(y);
            for (int x = channel; x < row.Length; x += f.Channels) { min = Math.Min(min, row[x]); max = Math.Max(max, row[x]); }
        }
        return (min, max);
    }
}
