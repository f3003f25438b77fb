using ConvStream.Engine.Memory;
using ConvStream.Engine.Ops.Transposed;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// Transposed convolution, as PyTorch's <c>conv_transpose2d</c>: SIMD at the settings' level over
/// output-row bands on the settings' cores (default <see cref="ExecutionSettings.Default"/>); equals
/// <see cref="ConvTranspose2dReference"/> up to float rounding of the sums.
/// </summary>
public static unsafe class ConvTranspose2d
{
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, ConvTranspose2dOptions options, ExecutionSettings? settings = null)
    {
        var s = ConvTranspose2dShape.Resolve(input, weight, bias, options);
        var output = Tensor.Zeros(s.OutputShape(input.Rank));
        Run(input, weight, bias, output, s, settings ?? ExecutionSettings.Default);
        return output;
    }

    /// <summary>Writes into a preallocated <paramref name="output"/> of the exact output shape.</summary>
    public static void Forward(Tensor input, Tensor weight, Tensor? bias, ConvTranspose2dOptions options, Tensor output, ExecutionSettings? settings = null)
    {
        var s = ConvTranspose2dShape.Resolve(input, weight, bias, options);
        CheckOutput(s, input, output);
        Run(input, weight, bias, output, s, settings ?? ExecutionSettings.Default);
    }

    /// <summary>The output shape for these arguments (validates them).</summary>
    public static int[] OutputShape(Tensor input, Tensor weight, Tensor? bias, ConvTranspose2dOptions options)
        => ConvTranspose2dShape.Resolve(input, weight, bias, options).OutputShape(input.Rank);

    internal static void CheckOutput(ConvTranspose2dShape s, Tensor input, Tensor output)
    {
        if (!Pool2d.OutputShapeIs(output, input.Rank, s.N, s.Cout, s.OutH, s.OutW))
            throw new ConvStreamException($"conv-transpose2d output must have shape {Tensor.ShapeString(s.OutputShape(input.Rank))} but has {output.ShapeText}");
        if (ReferenceEquals(output.Data, input.Data))
            throw new ConvStreamException("conv-transpose2d output must not share the input's memory");
    }

    /// <summary>
    /// One call: the weights are packed into the calling thread's scratch, under the rows its own
    /// bands rent (a plan packs them once: <see cref="ConvTranspose2dPlan"/>).
    /// </summary>
    private static void Run(Tensor input, Tensor weight, Tensor? bias, Tensor output, ConvTranspose2dShape s, ExecutionSettings settings)
    {
        int length = TransposedKernel.PackedLength(s.Cin, s.CoutPerGroup, s.KH, s.KW, s.Groups);
        using var packed = ScratchArena.Rent(length, settings.ScratchFloats);
        TransposedKernel.Pack(weight.Data, s.Cin, s.CoutPerGroup, s.KH, s.KW, s.Groups, packed.Floats(length));
        TransposedKernel.Run(input.Data, packed.Pointer, bias?.Data, output.Data, s, settings);
    }
}
