using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Filters;

/// <summary>
/// One video filter stage: reads one frame (or a pair, for <c>magnitude</c>) and writes one
/// preallocated frame. Planning (<see cref="OutputFormat"/>) happens once, before any frame
/// flows, and is where a wrong input (channel count, depth, size) is reported; <see cref="Apply"/>
/// allocates nothing and may run concurrently on different frames.
/// </summary>
public interface IFrameFilter
{
    /// <summary>The op's name as written in stage specs ("gaussian").</summary>
    string Op { get; }

    /// <summary>How many input frames <see cref="Apply"/> takes (1, or 2 for a dx/dy pair).</summary>
    int InputCount => 1;

    /// <summary>The output format for these inputs; throws <see cref="ConvStreamException"/> naming the op and what was expected.</summary>
    FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs);

    /// <summary>Filters <paramref name="inputs"/> into <paramref name="output"/>, which has <see cref="OutputFormat"/>.</summary>
    void Apply(ReadOnlySpan<Frame> inputs, Frame output);

    /// <summary>Multiply-adds per output frame (for <c>describe</c> and benchmarks); an estimate.</summary>
    long MultiplyAdds(FrameFormat output) => 0;

    /// <summary>Kernel extent (height, width) for receptive-field reports; 1×1 for pointwise ops.</summary>
    (int KH, int KW, int Stride) Footprint => (1, 1, 1);

    /// <summary>The layouts it computes in (<see cref="LayoutUse"/>): interleaved unless it says otherwise.</summary>
    LayoutUse Layouts => LayoutUse.Interleaved;
}
