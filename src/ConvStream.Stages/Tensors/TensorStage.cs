using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// A stage that runs one of the engine's tensor ops on a frame: the interleaved input (any depth)
/// is converted into a planar (C,H,W) float buffer allocated once, the op runs into a planar output
/// allocated once, which is then written into the stage's F32 output frame; both conversions are
/// the vectorised, row-banded <see cref="FrameConvert"/>. A pipeline runs a stage on one frame at a time;
/// the lock only guards the scratch buffer against a caller that shares the stage across threads.
/// </summary>
public abstract class TensorStage : IFrameFilter
{
    private readonly object _scratchGate = new();
    private float[] _planes = [];
    private Tensor? _input, _output;

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

    public void Apply(ReadOnlySpan<Frame> inputs, Frame output)
    {
        var frame = inputs[0];
        lock (_scratchGate)
        {
            int n = frame.Channels * frame.Height * frame.Width;
            if (_input is null || _input.Dim(0) != frame.Channels || _input.Dim(1) != frame.Height || _input.Dim(2) != frame.Width)
            {
                if (_planes.Length < n) _planes = GC.AllocateUninitializedArray<float>(n);
                _input = new Tensor(_planes, frame.Channels, frame.Height, frame.Width);
            }
            FrameConvert.ToTensor(frame, _input, Settings);
            if (_output is null || _output.Dim(0) != output.Channels || _output.Dim(1) != output.Height || _output.Dim(2) != output.Width)
                _output = Tensor.Zeros(output.Channels, output.Height, output.Width);
            Compute(_input, _output);
            FrameConvert.FromTensor(_output, output, Settings);
        }
    }
}
