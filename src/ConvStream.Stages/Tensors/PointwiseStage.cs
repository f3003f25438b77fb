using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// A stage that maps each row of one frame to the same row of its output (<c>relu</c>,
/// <c>normalize</c>, <c>to-u8</c>), split into row bands by its settings (the schedule's
/// <c>band-height</c>). The call's frames and coefficients travel as the bands' state, so a call
/// allocates nothing and holds no lock: several calls may run at once. An elementwise f32 op
/// (<c>relu</c>, <c>normalize</c>) says <see cref="LayoutUse.Either"/> and maps a planar frame's
/// samples in place of rows (<see cref="Floats"/>), so it sits between tensor stages without a conversion.
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

    /// <summary>Interleaved, unless the op maps f32 samples one by one (<see cref="Floats"/>): then either layout.</summary>
    public virtual LayoutUse Layouts => LayoutUse.Interleaved;

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
    {
        var input = inputs[0];
        var (a, b) = Coefficients(input);
        if (input.Layout == FrameLayout.Planar || output.Layout == FrameLayout.Planar)
        {
            if (Layouts != LayoutUse.Either || input.Layout != output.Layout)
                throw new ConvStreamException($"{Op} cannot write {input.ShapeText} into {output.ShapeText}");
            // A planar frame's C·H plane rows, each W samples.
            _settings.ForRows(input.Channels * input.Height, input.Width, (stage: this, src: input.Planes.Data, dst: output.Planes.Data, w: input.Width, a, b),
                static (c, r0, r1) => c.stage.Floats(c.src.AsSpan(r0 * c.w, (r1 - r0) * c.w), c.dst.AsSpan(r0 * c.w, (r1 - r0) * c.w), c.a, c.b));
            return;
        }
        _settings.ForRows(output.Height, output.RowLength, (stage: this, input, output, a, b),
            static (c, y0, y1) => c.stage.Rows(c.input, c.output, c.a, c.b, y0, y1));
    }

    /// <summary>f32 samples of <paramref name="src"/> into <paramref name="dst"/>: the op's f32 row, for a stage that takes <see cref="LayoutUse.Either"/> layout.</summary>
    protected virtual void Floats(ReadOnlySpan<float> src, Span<float> dst, float a, float b)
        => throw new InvalidOperationException($"{Op} maps rows of interleaved frames only");

    /// <summary>Per-call coefficients of <see cref="Rows"/> (a frame's own range, for <c>normalize</c>); none by default.</summary>
    protected virtual (float A, float B) Coefficients(Frame input) => (0f, 0f);

    /// <summary>Rows [y0, y1) of <paramref name="src"/> into <paramref name="dst"/>.</summary>
    protected abstract void Rows(Frame src, Frame dst, float a, float b, int y0, int y1);
}
