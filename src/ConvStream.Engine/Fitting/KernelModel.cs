using ConvStream.Engine.Geometry;

namespace ConvStream.Engine.Fitting;

/// <summary>How the kernel maps a frame's channels: one 2-D kernel for every channel, or Cin → Cout.</summary>
public enum FitChannels
{
    /// <summary>One KH×KW kernel applied to every channel on its own: what a <c>conv:kernel=FILE</c> stage with a 2-D kernel computes.</summary>
    PerChannel,
    /// <summary>A <c>weights[Cout][Cin][KH][KW]</c> kernel: every output channel sees every input channel (a colour mix, a CNN layer).</summary>
    Full,
}

/// <summary>
/// The linear model a fit identifies, in the <c>conv</c> stage's own geometry (cv2.filter2D):
/// <c>out_o(y, x) = bias_o + Σ_ci Σ_ky Σ_kx w[o, ci, ky, kx] · in_ci(y + ky − AnchorY, x + kx − AnchorX)</c>,
/// with samples outside the frame taken by <see cref="Border"/>. The weights are in correlation
/// order; a convolve-mode file stores them rotated by 180°, and then its default anchor is the
/// flipped one, so the caller passes the anchor the written file will have.
/// </summary>
public sealed record KernelModel
{
    public KernelModel(int kh, int kw, int anchorX, int anchorY, BorderMode border, FitChannels channels, bool bias)
    {
        if (kh < 1 || kw < 1) throw new ConvStreamException($"kernel size {kh}x{kw} must be at least 1x1");
        if ((uint)anchorX >= (uint)kw || (uint)anchorY >= (uint)kh)
            throw new ConvStreamException($"kernel anchor ({anchorX};{anchorY}) lies outside the {kw}x{kh} kernel");
        KH = kh; KW = kw; AnchorX = anchorX; AnchorY = anchorY; Border = border; Channels = channels; Bias = bias;
    }

    public int KH { get; }
    public int KW { get; }
    public int AnchorX { get; }
    public int AnchorY { get; }
    public BorderMode Border { get; }
    public FitChannels Channels { get; }
    /// <summary>Whether a constant per output channel is fitted too.</summary>
    public bool Bias { get; }

    /// <summary>Input planes one output sample reads: 1 per channel, or every input channel for <see cref="FitChannels.Full"/>.</summary>
    public int InputsPerSample(int inputChannels) => Channels == FitChannels.Full ? inputChannels : 1;

    /// <summary>Unknowns per output channel: taps, plus one for the bias.</summary>
    public int Unknowns(int inputChannels) => InputsPerSample(inputChannels) * KH * KW + (Bias ? 1 : 0);

    /// <summary>conv2d padding that gives this geometry at stride 1 (output size = input size).</summary>
    public Padding Padding => Padding.Explicit(AnchorY, KH - 1 - AnchorY, AnchorX, KW - 1 - AnchorX);

    public string SizeText => $"{KH}×{KW}";
}
