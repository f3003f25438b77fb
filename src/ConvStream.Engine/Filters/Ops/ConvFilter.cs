using System.Globalization;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>conv:kernel=FILE[,mode=correlate|convolve][,delta=D][,depth=u8|s16|f32][,anchor=X;Y][,border=B][,scale=S]</c>
/// = <c>cv2.filter2D</c>: correlation by default, float weights, anchor (KW/2, KH/2) unless given,
/// output depth = input depth for a single 2-D kernel (applied to every channel) and f32 for a
/// multi-channel kernel (Cin → Cout feature maps). u8/s16 outputs are saturated with cvRound.
/// </summary>
public sealed class ConvFilter : IFrameFilter
{
    private readonly Filter2D _engine;
    private readonly PixelDepth? _depth;

    public ConvFilter(Filter2DKernel kernel, PixelDepth? depth, string kernelName, ExecutionSettings? settings = null)
    {
        _engine = new Filter2D(kernel, settings);
        _depth = depth;
        KernelName = kernelName;
    }

    public string Op => "conv";
    public string KernelName { get; }
    public Filter2DKernel Kernel => _engine.Kernel;

    public static IFrameFilter Create(StageSpec spec)
    {
        string path = spec.ResolvePath(spec.RequiredString("kernel"));
        KernelFile file;
        try { file = KernelFile.Load(path); }
        catch (ConvStreamException e) { throw new ConvStreamException($"{spec.Context}: {e.Message}"); }
        string? mode = spec.Has("mode") ? spec.Choice("mode", "correlate", "correlate", "convolve") : null;
        double delta = spec.Double("delta", 0);
        double scale = spec.Double("scale", 1);
        PixelDepth? depth = spec.Has("depth") ? spec.Parse("depth", PixelDepth.U8, s => PixelDepths.Parse(s)) : null;
        (int X, int Y)? anchor = spec.Has("anchor") ? spec.Parse<(int, int)>("anchor", (0, 0), ParseAnchor) : null;
        if (anchor is (-1, -1)) anchor = null;                        // OpenCV's "kernel centre"
        var border = spec.Parse("border", BorderMode.Reflect, s => BorderModes.Parse(s));
        try { return new ConvFilter(file.ToKernel(mode, scale, delta, anchor, border), depth, file.Name, spec.Settings); }
        catch (ConvStreamException e) { throw new ConvStreamException($"{spec.Context}: {e.Message}"); }
    }

    private static (int, int) ParseAnchor(string s)
    {
        var parts = s.Split(';');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int x)
                              && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int y))
            return (x, y);
        throw new ConvStreamException($"anchor '{s}' is not X;Y (two integers separated by ';')");
    }

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        var f = inputs[0];
        var k = _engine.Kernel;
        if (!k.PerChannel && f.Channels != k.InChannels)
            throw new ConvStreamException($"stage 'conv': kernel {KernelName} expects {k.InChannels} input channels (Cin) but the frame has {f.Channels}");
        var depth = _depth ?? (k.PerChannel ? f.Depth : PixelDepth.F32);
        return new FrameFormat(f.Width, f.Height, k.OutputChannels(f.Channels), depth);
    }

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output) => _engine.Apply(inputs[0], output);

    public long MultiplyAdds(FrameFormat output) => _engine.MultiplyAdds(output.Width, output.Height, Kernel.PerChannel ? output.Channels : Kernel.InChannels);

    public (int KH, int KW, int Stride) Footprint => (Kernel.KH, Kernel.KW, 1);
}
