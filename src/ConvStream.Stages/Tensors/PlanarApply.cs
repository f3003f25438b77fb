using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Stages.Tensors;

/// <summary>
/// Runs a tensor op from its input frame's planes into its output frame's planes. A pipeline hands
/// a tensor stage planar frames (the planner put the one conversion at the layout boundary), and
/// then nothing is converted or copied here. A caller that hands it interleaved frames (a library
/// user, <c>filter</c>, <c>bench --versus</c>) gets them converted with the vectorised
/// <see cref="FrameConvert"/> through planar frames of the stage's own, one kept per side in a
/// <see cref="ScratchSlot{T}"/> (no lock: concurrent callers never share one).
/// </summary>
internal sealed class PlanarApply
{
    private readonly ScratchSlot<Frame> _input = new(), _output = new();

    public void Run<TState>(Frame input, Frame output, ExecutionSettings settings, TState state, Action<TState, Tensor, Tensor> compute)
    {
        var planarIn = input.Layout == FrameLayout.Planar ? input : Take(_input, FrameFormat.Of(input).AsPlanar);
        var planarOut = output.Layout == FrameLayout.Planar ? output : Take(_output, FrameFormat.Of(output).AsPlanar);
        try
        {
            if (planarIn != input) FrameConvert.ToTensor(input, planarIn.Planes, settings);
            compute(state, planarIn.Planes, planarOut.Planes);
            if (planarOut != output) FrameConvert.FromTensor(planarOut.Planes, output, settings);
        }
        finally
        {
            if (planarIn != input) _input.Return(planarIn);
            if (planarOut != output) _output.Return(planarOut);
        }
    }

    private static Frame Take(ScratchSlot<Frame> slot, FrameFormat planar)
        => slot.Take() is { } kept && FrameFormat.Of(kept) == planar ? kept : planar.Allocate();
}
