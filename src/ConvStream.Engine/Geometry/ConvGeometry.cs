namespace ConvStream.Engine.Geometry;

/// <summary>
/// Output sizes and receptive fields: the formulas of DESIGN §3 and the seeds, computed in 64-bit
/// arithmetic; a size beyond <see cref="GeometryLimits.MaxExtent"/> is refused with a
/// <see cref="ConvStreamException"/> naming it, never wrapped around.
/// </summary>
public static class ConvGeometry
{
    /// <summary>
    /// <c>out = floor((in + padBefore + padAfter − dilation·(k−1) − 1) / stride) + 1</c>; with no
    /// padding and dilation 1 this is the seeds' (X + 2P − V)/S + 1. Returns ≤ 0 when the
    /// (dilated) kernel does not fit in the padded input.
    /// </summary>
    public static int OutputSize(int input, int kernel, int stride = 1, int padBefore = 0, int padAfter = 0, int dilation = 1)
    {
        long numerator = (long)input + padBefore + padAfter - (long)dilation * (kernel - 1) - 1;
        if (numerator < 0) return 0;
        return GeometryLimits.Extent(numerator / stride + 1, "output size");
    }

    /// <summary>
    /// PyTorch's pooling output size: like <see cref="OutputSize"/> but with <paramref name="ceilMode"/>
    /// rounding up, except that a last window starting inside the right padding is dropped.
    /// </summary>
    public static int PoolOutputSize(int input, int kernel, int stride, int pad, int dilation, bool ceilMode)
    {
        long numerator = (long)input + 2L * pad - (long)dilation * (kernel - 1) - 1;
        if (numerator < 0) return 0;
        long outSize = (ceilMode ? (numerator + stride - 1) / stride : numerator / stride) + 1;
        if (ceilMode && (outSize - 1) * stride >= (long)input + pad) outSize--;
        return GeometryLimits.Extent(outSize, "output size");
    }

    /// <summary>Transposed convolution: <c>(in−1)·s − padBefore − padAfter + d·(k−1) + output_padding + 1</c>.</summary>
    public static int TransposedOutputSize(int input, int kernel, int stride, int pad, int dilation, int outputPadding)
    {
        long size = ((long)input - 1) * stride - 2L * pad + (long)dilation * (kernel - 1) + outputPadding + 1;
        return size <= 0 ? (int)Math.Max(size, int.MinValue) : GeometryLimits.Extent(size, "output size");
    }

    /// <summary>
    /// Receptive field of the last of a stack of layers: <c>r = 1 + Σ (k_i − 1)·d_i·Π_{j&lt;i} s_j</c>.
    /// Also returns the jump (product of all strides): how far apart neighbouring outputs look.
    /// </summary>
    public static (int Field, int Jump) ReceptiveField(IEnumerable<(int Kernel, int Stride, int Dilation)> layers)
    {
        var r = Geometry.ReceptiveField.Source;
        foreach (var (k, s, d) in layers) r = r.Then(k, s, d);
        return (r.Field, r.Jump);
    }
}
