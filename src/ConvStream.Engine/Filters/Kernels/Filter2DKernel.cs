using ConvStream.Engine.Geometry;

namespace ConvStream.Engine.Filters.Kernels;

/// <summary>
/// A correlation kernel ready to run, as <c>cv2.filter2D</c> sees it: weights already flipped
/// for true convolution and multiplied by every scale, the anchor already moved for the flip,
/// delta folded into <see cref="Bias"/>.
/// <para>
/// Two shapes: <see cref="PerChannel"/> = one KH×KW kernel applied to every channel of the frame
/// (filter2D on a multi-channel Mat), or a multi-channel kernel <c>weights[Cout][Cin][KH][KW]</c>
/// that turns Cin channels into Cout feature maps (a CNN layer, stride 1, "same" size).
/// </para>
/// </summary>
public sealed class Filter2DKernel
{
    public Filter2DKernel(float[] weights, int outChannels, int inChannels, int kh, int kw, int anchorX, int anchorY,
                          float[] bias, bool perChannel, BorderMode border)
    {
        if (kh < 1 || kw < 1) throw new ConvStreamException($"kernel size {kh}x{kw} must be at least 1x1");
        if (weights.Length != outChannels * inChannels * kh * kw)
            throw new ConvStreamException($"kernel of shape ({outChannels},{inChannels},{kh},{kw}) needs {outChannels * inChannels * kh * kw} weights but has {weights.Length}");
        if ((uint)anchorX >= (uint)kw || (uint)anchorY >= (uint)kh)
            throw new ConvStreamException($"kernel anchor ({anchorX};{anchorY}) lies outside the {kw}x{kh} kernel");
        if (bias.Length != outChannels) throw new ConvStreamException($"kernel bias has {bias.Length} values but the kernel has {outChannels} output channels");
        if (perChannel && (outChannels != 1 || inChannels != 1)) throw new ArgumentException("a per-channel kernel is a single 2-D kernel");
        Weights = weights; OutChannels = outChannels; InChannels = inChannels; KH = kh; KW = kw;
        AnchorX = anchorX; AnchorY = anchorY; Bias = bias; PerChannel = perChannel; Border = border;
    }

    /// <summary>Row-major (Cout, Cin, KH, KW), correlation order.</summary>
    public float[] Weights { get; }
    public int OutChannels { get; }
    public int InChannels { get; }
    public int KH { get; }
    public int KW { get; }
    public int AnchorX { get; }
    public int AnchorY { get; }
    /// <summary>Added to every output sample of channel co (bias plus delta).</summary>
    public float[] Bias { get; }
    public bool PerChannel { get; }
    public BorderMode Border { get; }

    public float Weight(int co, int ci, int ky, int kx) => Weights[((co * InChannels + ci) * KH + ky) * KW + kx];

    /// <summary>Output channels for a frame of <paramref name="frameChannels"/>.</summary>
    public int OutputChannels(int frameChannels) => PerChannel ? frameChannels : OutChannels;

    public int NonZeroTaps()
    {
        int n = 0;
        foreach (float w in Weights) if (w != 0f) n++;
        return n;
    }
}
