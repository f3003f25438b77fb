using ConvStream.Engine.Geometry;
using ConvStream.Engine.Ops.Pooling;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Ops;

/// <summary>
/// Max and average pooling of (C,H,W) or (N,C,H,W) float32 tensors, as PyTorch's. SIMD at
/// the settings' level over row bands on the settings' cores (default <see cref="ExecutionSettings.Default"/>); every
/// path equals <see cref="Pool2dReference"/> (the average up to float rounding of the sum).
/// The overloads taking <c>output</c> write into a preallocated tensor, so a pipeline pays for
/// its output once.
/// </summary>
public static class Pool2d
{
    /// <summary>Max pooling of a (C,H,W) or (N,C,H,W) tensor, as PyTorch's max_pool2d; a new output.</summary>
    public static Tensor Max(Tensor input, Pool2dOptions options, ExecutionSettings? settings = null)
    {
        var s = Pool2dShape.Resolve(input, options);
        var output = Tensor.Zeros(s.OutputShape(input.Rank));
        PoolKernel.Run<MaxReduce>(input.Data, output.Data, s, average: false, countIncludePad: false, settings ?? ExecutionSettings.Default);
        return output;
    }

    /// <summary>Max pooling into a preallocated <paramref name="output"/> of <see cref="OutputShape"/>'s shape (no allocation).</summary>
    public static void Max(Tensor input, Pool2dOptions options, Tensor output, ExecutionSettings? settings = null)
    {
        var s = Pool2dShape.Resolve(input, options);
        CheckOutput(s, input, output);
        PoolKernel.Run<MaxReduce>(input.Data, output.Data, s, average: false, countIncludePad: false, settings ?? ExecutionSettings.Default);
    }

    /// <summary>Average pooling, as PyTorch's avg_pool2d; a new output.</summary>
    public static Tensor Average(Tensor input, Pool2dOptions options, ExecutionSettings? settings = null)
    {
        var s = ResolveAverage(input, options);
        var output = Tensor.Zeros(s.OutputShape(input.Rank));
        PoolKernel.Run<SumReduce>(input.Data, output.Data, s, average: true, options.CountIncludePad, settings ?? ExecutionSettings.Default);
        return output;
    }

    /// <summary>Average pooling into a preallocated <paramref name="output"/> (no allocation).</summary>
    public static void Average(Tensor input, Pool2dOptions options, Tensor output, ExecutionSettings? settings = null)
    {
        var s = ResolveAverage(input, options);
        CheckOutput(s, input, output);
        PoolKernel.Run<SumReduce>(input.Data, output.Data, s, average: true, options.CountIncludePad, settings ?? ExecutionSettings.Default);
    }

    /// <summary>The output shape <paramref name="options"/> gives for <paramref name="input"/> (validates both).</summary>
    public static int[] OutputShape(Tensor input, Pool2dOptions options, bool average = false)
        => (average ? ResolveAverage(input, options) : Pool2dShape.Resolve(input, options)).OutputShape(input.Rank);

    private static Pool2dShape ResolveAverage(Tensor input, Pool2dOptions o)
    {
        if (o.Dilation != new Size2(1, 1))
            throw new ConvStreamException($"dilation is not supported by avg-pool2d (PyTorch's avg_pool2d has none) but is {o.Dilation}");
        return Pool2dShape.Resolve(input, o);
    }

    private static void CheckOutput(Pool2dShape s, Tensor input, Tensor output)
    {
        if (!OutputShapeIs(output, input.Rank, s.N, s.C, s.OutH, s.OutW))
            throw new ConvStreamException($"pooling output must have shape {Tensor.ShapeString(s.OutputShape(input.Rank))} but has {output.ShapeText}");
        if (ReferenceEquals(output.Data, input.Data))
            throw new ConvStreamException("pooling output must not share the input's memory");
    }

    /// <summary>Whether <paramref name="output"/> is (C,H,W) or (N,C,H,W) as the input's rank says, without allocating.</summary>
    internal static bool OutputShapeIs(Tensor output, int rank, int n, int c, int h, int w)
    {
        var shape = output.Shape;
        return rank == 3
            ? shape.Length == 3 && shape[0] == c && shape[1] == h && shape[2] == w
            : shape.Length == 4 && shape[0] == n && shape[1] == c && shape[2] == h && shape[3] == w;
    }
}
