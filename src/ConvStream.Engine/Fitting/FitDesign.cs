namespace ConvStream.Engine.Fitting;

/// <summary>
/// The least-squares problem a set of pairs poses for one <see cref="KernelModel"/>: which input
/// planes each output sample reads, which target plane it must match, and with what weight. For
/// a per-channel kernel every channel of every pair is a group of samples of the same 2-D kernel;
/// for a full kernel every pair is one group with Cin inputs and Cout targets per pixel.
/// </summary>
public sealed class FitDesign
{
    private FitDesign(KernelModel model, IReadOnlyList<FitPair> pairs, int inputChannels, int outputChannels,
                      float[]?[] targetWeights, SampleGroup[] groups)
    {
        Model = model; Pairs = pairs; InputChannels = inputChannels; OutputChannels = outputChannels;
        _targetWeights = targetWeights; Groups = groups;
    }

    private readonly float[]?[] _targetWeights;

    public KernelModel Model { get; }
    public IReadOnlyList<FitPair> Pairs { get; }
    /// <summary>Channels of the before frames.</summary>
    public int InputChannels { get; }
    /// <summary>Channels of the after frames.</summary>
    public int OutputChannels { get; }
    public IReadOnlyList<SampleGroup> Groups { get; }

    /// <summary>Input planes one sample reads (Cin of the kernel).</summary>
    public int Inputs => Model.InputsPerSample(InputChannels);
    /// <summary>Kernels solved for (Cout of the kernel): 1 for a per-channel kernel.</summary>
    public int Outputs => Model.Channels == FitChannels.Full ? OutputChannels : 1;
    public int Taps => Inputs * Model.KH * Model.KW;
    /// <summary>Unknowns per output: the taps, then the bias if fitted.</summary>
    public int Unknowns => Taps + (Model.Bias ? 1 : 0);

    /// <summary>Per-target-sample weights (0 or 1) aligned with pair <paramref name="index"/>'s Target, or null when all count.</summary>
    public float[]? TargetWeights(int index) => _targetWeights[index];

    public static FitDesign Create(IReadOnlyList<FitPair> pairs, KernelModel model)
    {
        if (pairs.Count == 0) throw new ConvStreamException("a fit needs at least one before/after pair");
        var first = pairs[0];
        foreach (var p in pairs)
        {
            if (p.InputChannels != first.InputChannels || p.OutputChannels != first.OutputChannels)
                throw new ConvStreamException($"{p.Name}: {p.InputChannels} → {p.OutputChannels} channels, but {first.Name} has {first.InputChannels} → {first.OutputChannels}");
            if (model.KH > p.Height || model.KW > p.Width)
                throw new ConvStreamException($"{p.Name}: the {model.SizeText} kernel is larger than the {p.Width}x{p.Height} image");
        }
        if (model.Channels == FitChannels.PerChannel && first.InputChannels != first.OutputChannels)
            throw new ConvStreamException($"{first.Name}: {first.InputChannels} → {first.OutputChannels} channels; a per-channel kernel keeps the channel count (use a full Cin → Cout kernel)");

        var weights = new float[]?[pairs.Count];
        var groups = new List<SampleGroup>();
        for (int i = 0; i < pairs.Count; i++)
        {
            var p = pairs[i];
            if (model.Channels == FitChannels.PerChannel)
            {
                weights[i] = p.Weight;
                for (int c = 0; c < p.InputChannels; c++) groups.Add(new SampleGroup(i, c, c));
            }
            else
            {
                weights[i] = PixelWeights(p);
                groups.Add(new SampleGroup(i, 0, 0));
            }
        }
        return new FitDesign(model, pairs, first.InputChannels, first.OutputChannels, weights, groups.ToArray());
    }

    // Every output channel of a full kernel shares one design matrix, so a pixel counts for all
    // of them or none: it is left out when any of its target samples is.
    private static float[]? PixelWeights(FitPair p)
    {
        if (p.Weight is null) return null;
        int plane = p.Plane;
        var pixel = new float[plane];
        for (int i = 0; i < plane; i++)
        {
            float w = 1;
            for (int c = 0; c < p.OutputChannels; c++) w = Math.Min(w, p.Weight[c * plane + i]);
            pixel[i] = w;
        }
        var perSample = new float[p.Target.Length];
        for (int c = 0; c < p.OutputChannels; c++) pixel.CopyTo(perSample, c * plane);
        return perSample;
    }
}

/// <summary>
/// Samples that share one design matrix: pair <see cref="Pair"/>'s input planes from
/// <see cref="FirstInput"/> on (Inputs of them) and target planes from <see cref="FirstTarget"/> on (Outputs of them).
/// </summary>
public readonly record struct SampleGroup(int Pair, int FirstInput, int FirstTarget);
