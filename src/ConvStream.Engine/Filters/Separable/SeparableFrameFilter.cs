using ConvStream.Engine.Geometry;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// A video filter stage that is one <see cref="SeparableKernel"/> run by a <see cref="SeparableEngine"/>:
/// u8 frames of any channel count in, the same size and channels out at the kernel's depth.
/// </summary>
public abstract class SeparableFrameFilter : IFrameFilter
{
    private readonly SeparableEngine _engine;

    // Only this assembly's filters derive from it: the kernel and engine are implementation details.
    private protected SeparableFrameFilter(string op, SeparableKernel kernel, BorderMode border, ExecutionSettings? settings)
    {
        Op = op;
        Kernel = kernel;
        Border = border;
        _engine = new SeparableEngine(kernel, border, settings);
    }

    public string Op { get; }
    internal SeparableKernel Kernel { get; }
    public BorderMode Border { get; }
    public PixelDepth OutputDepth => Kernel.Conversion.Depth;

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        if (inputs.Length != 1)
            throw new ConvStreamException($"takes 1 input frame, got {inputs.Length}");
        var f = inputs[0];
        if (f.Depth != PixelDepth.U8)
            throw new ConvStreamException($"needs a u8 frame (gray or BGR), got {f}");
        return f with { Depth = OutputDepth };
    }

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
    {
        if (inputs.Length != 1)
            throw new ConvStreamException($"takes 1 input frame, got {inputs.Length}");
        _engine.Apply(inputs[0], output);
    }

    /// <summary>Runs the scalar specification instead of the engine (for tests and for checking the engine).</summary>
    public void ApplyReference(Frame input, Frame output) => SeparableReference.Apply(input, output, Kernel, Border);

    public long MultiplyAdds(FrameFormat output)
        => (long)output.Width * output.Height * output.Channels * (Kernel.Width + Kernel.Height) * Kernel.TermCount;

    public (int KH, int KW, int Stride) Footprint => (Kernel.Height, Kernel.Width, 1);

    /// <summary>
    /// Folds an integer scale into the column kernels (OpenCV's Sobel scales a kernel too), so
    /// the sums stay exact integers; returns the scale left for the conversion (1 when folded).
    /// </summary>
    protected static double FoldScale(int[][] columns, double scale)
    {
        if (scale == Math.Round(scale) && Math.Abs(scale) <= 64 && scale != 0)
        {
            foreach (var c in columns)
                for (int i = 0; i < c.Length; i++) c[i] *= (int)scale;
            return 1;
        }
        return scale;
    }
}
