namespace ConvStream.Engine.Geometry;

/// <summary>Output sizes and receptive fields: the formulas of DESIGN §3 and the seeds.</summary>
public static class ConvGeometry
{
    /// <summary>
    /// <c>out = floor((in + padBefore + padAfter − dilation·(k−1) − 1) / stride) + 1</c>; with no
    /// padding and dilation 1 this is the seeds' (X + 2P − V)/S + 1. Returns ≤ 0 when the
    /// (dilated) kernel does not fit in the padded input.
    /// </summary>
    public static int OutputSize(int input, int kernel, int stride = 1, int padBefore = 0, int padAfter = 0, int dilation = 1)
    {
        int numerator = input + padBefore + padAfter - dilation * (kernel - 1) - 1;
        if (numerator < 0) return 0;
        return numerator / stride + 1;
    }

    /// <summary>
    /// PyTorch's pooling output size: like <see cref="OutputSize"/> but with <paramref name="ceilMode"/>
    /// rounding up, except that a last window starting inside the right padding is dropped.
    /// </summary>
    public static int PoolOutputSize(int input, int kernel, int stride, int pad, int dilation, bool ceilMode)
    {
        int numerator = input + 2 * pad - dilation * (kernel - 1) - 1;
        if (numerator < 0) return 0;
        int outSize = (ceilMode ? (numerator + stride - 1) / stride : numerator / stride) + 1;
        if (ceilMode && (outSize - 1) * stride >= input + pad) outSize--;
        return outSize;
    }

    /// <summary>Transposed convolution: <c>(in−1)·s − padBefore − padAfter + d·(k−1) + output_padding + 1</c>.</summary>
    public static int TransposedOutputSize(int input, int kernel, int stride, int pad, int dilation, int outputPadding)
        => (input - 1) * stride - 2 * pad + dilation * (kernel - 1) + outputPadding + 1;

    /// <summary>
    /// Receptive field of the last of a stack of layers: <c>r = 1 + Σ (k_i − 1)·d_i·Π_{j&lt;i} s_j</c>.
    /// Also returns the jump (product of all strides): how far apart neighbouring outputs look.
    /// </summary>
    public static (int Field, int Jump) ReceptiveField(IEnumerable<(int Kernel, int Stride, int Dilation)> layers)
    {
        long field = 1, jump = 1;
        foreach (var (k, s, d) in layers)
        {
            field += (long)(k - 1) * d * jump;
            jump *= s;
        }
        return ((int)Math.Min(field, int.MaxValue), (int)Math.Min(jump, int.MaxValue));
    }
}
