using System.Globalization;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Stages;
using ConvStream.Engine.Filters.Ops;
using ConvStream.Engine.Fitting;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Tests.Fitting;

/// <summary>Images with texture in every direction, and targets made by the engine's own <c>conv</c> stage.</summary>
internal static class FitTestData
{
    /// <summary>
    /// A photo-like test image: a few oriented sinusoids (structure at several scales and angles)
    /// plus uniform noise, in 10..245 so an 8-bit copy is not clipped. Same seed, same image.
    /// </summary>
    public static Frame Texture(int width, int height, int channels, int seed, PixelDepth depth)
    {
        var rng = new Random(seed);
        var waves = Enumerable.Range(0, 4 * channels).Select(_ => (Fx: rng.NextDouble() * 0.6 - 0.3, Fy: rng.NextDouble() * 0.6 - 0.3, Phase: rng.NextDouble() * 6.28)).ToArray();
        var f = new Frame(width, height, channels, depth);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                {
                    double v = 128;
                    for (int k = 0; k < 4; k++)
                    {
                        var (fx, fy, ph) = waves[c * 4 + k];
                        v += 22 * Math.Sin(fx * x + fy * y + ph);
                    }
                    v += (rng.NextDouble() - 0.5) * 60;
                    v = Math.Clamp(v, 10, 245);
                    Set(f, x, y, c, depth == PixelDepth.U8 ? Math.Round(v) : v);
                }
        return f;
    }

    public static void Set(Frame f, int x, int y, int c, double v)
    {
        switch (f.Depth)
        {
            case PixelDepth.U8: f.Row<byte>(y)[x * f.Channels + c] = (byte)v; break;
            case PixelDepth.S16: f.Row<short>(y)[x * f.Channels + c] = (short)v; break;
            default: f.Row<float>(y)[x * f.Channels + c] = (float)v; break;
        }
    }

    /// <summary>A kernel file's JSON: a 2-D kernel (KH×KW) or a (Cout, Cin, KH, KW) one, with mode and bias.</summary>
    public static string KernelJson(double[] weights, int cout, int cin, int kh, int kw, bool full, string mode = "correlate", double[]? bias = null)
    {
        string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string Plane(int o, int ci) => "[" + string.Join(",", Enumerable.Range(0, kh).Select(ky =>
            "[" + string.Join(",", Enumerable.Range(0, kw).Select(kx => N(weights[((o * cin + ci) * kh + ky) * kw + kx]))) + "]")) + "]";
        string w = full
            ? "[" + string.Join(",", Enumerable.Range(0, cout).Select(o => "[" + string.Join(",", Enumerable.Range(0, cin).Select(ci => Plane(o, ci))) + "]")) + "]"
            : Plane(0, 0);
        string b = bias is null ? "" : full ? $",\"bias\":[{string.Join(",", bias.Select(N))}]" : $",\"bias\":{N(bias[0])}";
        return $"{{\"mode\":\"{mode}\",\"weights\":{w}{b}}}";
    }

    /// <summary>What a <c>conv:kernel=FILE,depth=…,border=…</c> stage makes of <paramref name="input"/> with the kernel file <paramref name="json"/>.</summary>
    public static Frame RunConvStage(string json, Frame input, PixelDepth depth, BorderMode border = BorderMode.Reflect)
    {
        var file = KernelFile.Parse(json, "test.json");
        var filter = ConvStream.Stages.Filters.ConvStage.Build(file.ToKernel(null, 1, 0, null, border), depth, "test.json", ConvStream.Engine.Simd.ExecutionSettings.Default);
        var output = filter.OutputFormat([ConvStream.Engine.Filters.FrameFormat.Of(input)]).Allocate();
        filter.Apply([input], output);
        return output;
    }

    /// <summary>The model a conv stage runs for a file of this size and mode (the default anchor, flipped for convolve).</summary>
    public static KernelModel Model(int kh, int kw, bool convolve, FitChannels channels, bool bias, BorderMode border = BorderMode.Reflect)
        => convolve
            ? new KernelModel(kh, kw, kw - 1 - kw / 2, kh - 1 - kh / 2, border, channels, bias)
            : new KernelModel(kh, kw, kw / 2, kh / 2, border, channels, bias);

    public static FittedKernel Fit(Frame before, Frame after, KernelModel model, FitMethod method = FitMethod.LeastSquares, double l2 = 0, AdamOptions? adam = null)
    {
        var pair = FitPair.FromFrames(before, "before", after, "after", model.Channels == FitChannels.Full);
        var design = FitDesign.Create([pair], model);
        return KernelFitter.Fit(design, new KernelFitOptions { Method = method, L2 = l2, Adam = adam ?? new AdamOptions(), Settings = ConvStream.Engine.Simd.ExecutionSettings.Default with { Threads = 2 } });
    }

    /// <summary>The fitted weights in the file's order (rot180 for convolve), as a kernel file would hold them.</summary>
    public static double[] FileWeights(FittedKernel k, bool convolve)
    {
        int kh = k.Model.KH, kw = k.Model.KW, plane = kh * kw;
        var w = new double[k.Weights.Length];
        for (int p = 0; p < w.Length; p += plane)
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++)
                    w[p + ky * kw + kx] = convolve ? k.Weights[p + (kh - 1 - ky) * kw + (kw - 1 - kx)] : k.Weights[p + ky * kw + kx];
        return w;
    }

    public static double MaxDiff(double[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }
}
