using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Fitting;

/// <summary>
/// One before/after pair as float planes, (C, H, W) each, ready for a fit. Built from two frames,
/// which must have the same size and contain only finite numbers. An 8-bit target may have been
/// clipped at 0 or 255 by whatever made it (an edge map's negative side, a sharpening's
/// overshoot): the model is linear only inside the range, so those samples carry weight 0.
/// </summary>
public sealed class FitPair
{
    private FitPair(string name, int width, int height, int inChannels, int outChannels,
                    float[] input, float[] target, float[]? weight, PixelDepth targetDepth)
    {
        Name = name; Width = width; Height = height; InputChannels = inChannels; OutputChannels = outChannels;
        Input = input; Target = target; Weight = weight; TargetDepth = targetDepth;
    }

    /// <summary>How errors name the pair (usually the before file).</summary>
    public string Name { get; }
    public int Width { get; }
    public int Height { get; }
    public int InputChannels { get; }
    public int OutputChannels { get; }
    /// <summary>(Cin, H, W) planes.</summary>
    public float[] Input { get; }
    /// <summary>(Cout, H, W) planes.</summary>
    public float[] Target { get; }
    /// <summary>(Cout, H, W) sample weights, 0 or 1; null = every sample counts.</summary>
    public float[]? Weight { get; }
    public PixelDepth TargetDepth { get; }

    public int Plane => Width * Height;

    /// <summary>
    /// The pair from two frames. Sizes must match; channel counts too unless
    /// <paramref name="allowChannelChange"/> (a Cin → Cout kernel may change them).
    /// </summary>
    public static FitPair FromFrames(Frame before, string beforeName, Frame after, string afterName, bool allowChannelChange)
    {
        if (before.Width != after.Width || before.Height != after.Height)
            throw new ConvStreamException($"{afterName} is {after.Width}x{after.Height} but {beforeName} is {before.Width}x{before.Height}; a before/after pair must have the same size");
        if (before.Channels != after.Channels && !allowChannelChange)
            throw new ConvStreamException($"{afterName} has {after.Channels} channel(s) but {beforeName} has {before.Channels}; a per-channel kernel keeps the channel count (use --channels full for a Cin → Cout kernel)");
        var input = ToPlanes(before, beforeName);
        var target = ToPlanes(after, afterName);
        float[]? weight = null;
        if (after.Depth == PixelDepth.U8)
        {
            // 0 and 255 may be where the other program saturated: leave them out rather than fit a clipped value.
            weight = new float[target.Length];
            bool any = false;
            for (int i = 0; i < target.Length; i++)
            {
                bool clipped = target[i] is 0f or 255f;
                weight[i] = clipped ? 0f : 1f;
                any |= clipped;
            }
            if (!any) weight = null;
        }
        return new FitPair(beforeName, before.Width, before.Height, before.Channels, after.Channels, input, target, weight, after.Depth);
    }

    /// <summary>Interleaved H×W×C samples of any depth → (C, H, W) float planes; NaN or infinity is refused, naming the sample.</summary>
    public static float[] ToPlanes(Frame f, string name)
    {
        int c = f.Channels, w = f.Width, h = f.Height, plane = w * h;
        var planes = new float[c * plane];
        for (int y = 0; y < h; y++)
        {
            int o = y * w;
            switch (f.Depth)
            {
                case PixelDepth.U8:
                    {
                        var row = f.Row<byte>(y);
                        for (int x = 0; x < w; x++)
                            for (int ch = 0; ch < c; ch++) planes[ch * plane + o + x] = row[x * c + ch];
                        break;
                    }
                case PixelDepth.S16:
                    {
                        var row = f.Row<short>(y);
                        for (int x = 0; x < w; x++)
                            for (int ch = 0; ch < c; ch++) planes[ch * plane + o + x] = row[x * c + ch];
                        break;
                    }
                default:
                    {
                        var row = f.Row<float>(y);
                        for (int x = 0; x < w; x++)
                            for (int ch = 0; ch < c; ch++)
                            {
                                float v = row[x * c + ch];
                                if (!float.IsFinite(v))
                                    throw new ConvStreamException($"{name} holds {v} at row {y}, column {x}, channel {ch}; a fit needs finite numbers");
                                planes[ch * plane + o + x] = v;
                            }
                        break;
                    }
            }
        }
        return planes;
    }
}
