using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// A stage that runs one of the engine's tensor ops on planar (C,H,W) f32 frames
/// (<see cref="LayoutUse.Planar"/>): the op's plan reads the input frame's <see cref="Frame.Planes"/>
/// and writes the output frame's, with no conversion and no buffer of the stage's own. The planner
/// puts the one vectorised conversion where an interleaved frame meets the first tensor stage and
/// where a tensor stage's readers need interleaved frames; interleaved frames handed to it directly
/// are converted by <see cref="PlanarApply"/>. The stage holds no per-call state, so callers may
/// share it across threads.
/// </summary>
public abstract class TensorStage : IFrameFilter
{
    private readonly PlanarApply _planar = new();

    protected TensorStage(StageSpec spec)
    {
        Context = spec.Context;
        Settings = spec.Settings;
    }

    /// <summary>How errors name this stage ("demo.json: stage 'conv1'").</summary>
    protected string Context { get; }

    /// <summary>What the op's plan runs with (SIMD level, threads), fixed when the stage is built.</summary>
    protected ExecutionSettings Settings { get; }

    public abstract string Op { get; }

    public virtual (int KH, int KW, int Stride) Footprint => (1, 1, 1);

    /// <summary>
    /// Output (channels, height, width) for an input of these sizes; throws saying what does not
    /// fit (the planner puts the file and stage in front, and the inputs' formats after).
    /// </summary>
    protected abstract (int C, int H, int W) OutputShape(int channels, int height, int width);

    /// <summary>Runs the op on a (C,H,W) tensor into a preallocated (C,H,W) tensor of the planned output shape.</summary>
    protected abstract void Compute(Tensor input, Tensor output);

    public abstract long MultiplyAdds(FrameFormat output);

    /// <summary>
    /// The <c>weights</c> kernel file (one format for every op: <see cref="KernelFile"/>) as a rank-4
    /// tensor, and the bias: the file's, replaced by a <c>bias</c> .npy of <paramref name="biasChannels"/>(weights) values when given.
    /// </summary>
    protected static (Tensor Weights, Tensor? Bias, KernelFile File) LoadWeights(StageSpec spec, string op, Func<Tensor, int> biasChannels)
    {
        var path = spec.ResolvePath(spec.RequiredString("weights"));
        try
        {
            var file = KernelFile.Load(path);
            var (weights, bias) = file.ToTensors(op);
            string? biasPath = spec.String("bias");
            if (biasPath is not null) bias = KernelFile.LoadBias(spec.ResolvePath(biasPath), biasChannels(weights));
            return (weights, bias, file);
        }
        catch (ConvStreamException e) { throw new ConvStreamException($"{spec.Context}: {e.Message}", e); }
    }

    public FrameFormat OutputFormat(ReadOnlySpan<FrameFormat> inputs)
    {
        if (inputs.Length != 1) throw new ConvStreamException($"{Op} reads one input but {inputs.Length} are given");
        var (c, h, w) = OutputShape(inputs[0].Channels, inputs[0].Height, inputs[0].Width);
        if (h <= 0 || w <= 0)
            throw new ConvStreamException($"{Op} leaves no output for an input of {inputs[0].Width}x{inputs[0].Height} (output would be {w}x{h})");
        if (c > 64) throw new ConvStreamException($"{Op} gives {c} channels; frames hold at most 64");
        return new FrameFormat(w, h, c, PixelDepth.F32);
    }

    public LayoutUse Layouts => LayoutUse.Planar;

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
        => _planar.Run(inputs[0], output, Settings, this, static (stage, input, result) => stage.Compute(input, result));
}
