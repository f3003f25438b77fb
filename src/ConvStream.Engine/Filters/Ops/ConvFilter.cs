using ConvStream.Engine.Filters.Kernels;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Ops;

/// <summary>
/// <c>conv</c> with one 2-D kernel applied to every channel = <c>cv2.filter2D</c>: correlation,
/// float weights, output depth = input depth unless given; u8/s16 outputs are saturated with
/// cvRound. (A multi-channel kernel is a CNN layer: the stage layer runs it through conv2d's engine.)
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

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        var f = inputs[0];
        return f with { Depth = _depth ?? f.Depth };
    }

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output) => _engine.Apply(inputs[0], output);

    public long MultiplyAdds(FrameFormat output) => _engine.MultiplyAdds(output.Width, output.Height, output.Channels);

    public (int KH, int KW, int Stride) Footprint => (Kernel.KH, Kernel.KW, 1);
}
