using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// A stage that maps each row of one frame to the same row of its output (<c>relu</c>,
/// <c>normalize</c>, <c>to-u8</c>), split into row bands by its settings (the schedule's
/// <c>band-height</c>). The call's frames and coefficients travel as the bands' state, so a call
/// allocates nothing and holds no lock: several calls may run at once.
/// </summary>
public abstract class PointwiseStage : IFrameFilter
{
    private readonly ExecutionSettings _settings;

    protected PointwiseStage(StageSpec spec) => _settings = spec.Settings;

    public abstract string Op { get; }

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        if (inputs.Length != 1) throw new ConvStreamException($"{Op} reads one input but {inputs.Length} are given");
        return Output(inputs[0]);
    }

    /// <summary>The output format for an input of this format (same size and channels).</summary>
    protected abstract FrameFormat Output(FrameFormat input);

    public virtual long MultiplyAdds(FrameFormat output) => 0;

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
    {
        var input = inputs[0];
        var (a, b) = Coefficients(input);
        _settings.ForRows(output.Height, output.RowLength, (stage: this, input, output, a, b),
            static (c, y0, y1) => c.stage.Rows(c.input, c.output, c.a, c.b, y0, y1));
    }

    /// <summary>Per-call coefficients of <see cref="Rows"/> (a frame's own range, for <c>normalize</c>); none by default.</summary>
    protected virtual (float A, float B) Coefficients(Frame input) => (0f, 0f);

    /// <summary>Rows [y0, y1) of <paramref name="src"/> into <paramref name="dst"/>.</summary>
    protected abstract void Rows(Frame src, Frame dst, float a, float b, int y0, int y1);
}
