using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Simd;
using ConvStream.Stages.Filters;
using ConvStream.Stages.Tensors;

namespace ConvStream.Stages;

/// <summary>
/// The one registry of ops: name → adapter (the function that reads the op's keys from a
/// <see cref="StageSpec"/> and builds its plan with the spec's <see cref="ExecutionSettings"/>).
/// Three families: the 8-bit video filters (OpenCV's answers; what <c>convstream filter</c> offers),
/// the tensor ops on float feature maps (PyTorch's), and the stages that read a window of frames
/// across time (pipelines only). <see cref="Create(StageSpec, IReadOnlyDictionary{string, Func{StageSpec, IFrameFilter}}?)"/>
/// checks afterwards that no unknown key was left over, naming it and the keys that are valid.
/// </summary>
public static class StageRegistry
{
    private static readonly Dictionary<string, Func<StageSpec, IFrameFilter>> VideoFilters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gaussian"] = SeparableStages.Gaussian,
        ["box"] = SeparableStages.Box,
        ["sobel"] = SeparableStages.Sobel,
        ["scharr"] = SeparableStages.Scharr,
        ["laplacian"] = SeparableStages.Laplacian,
        ["gray"] = PointStages.Gray,
        ["magnitude"] = PointStages.Magnitude,
        ["sobel-magnitude"] = PointStages.SobelMagnitude,
        ["conv"] = ConvStage.Create,
        ["maxpool"] = PoolStages.Max,
        ["avgpool"] = PoolStages.Average,
    };

    private static readonly Dictionary<string, Func<StageSpec, IFrameFilter>> TensorOps = new(StringComparer.OrdinalIgnoreCase)
    {
        ["conv2d"] = s => new Conv2dStage(s),
        ["conv-transpose2d"] = s => new ConvTranspose2dStage(s),
        ["max-pool2d"] = s => new Pool2dStage(s, max: true),
        ["avg-pool2d"] = s => new Pool2dStage(s, max: false),
        ["relu"] = s => new ReluStage(s),
        ["normalize"] = s => new NormalizeStage(s),
        ["to-u8"] = s => new ToU8Stage(s),
    };

    private static readonly Dictionary<string, Func<StageSpec, IFrameFilter>> TemporalOps = new(StringComparer.OrdinalIgnoreCase)
    {
        ["tmix"] = TemporalStages.Mix,
        ["tdiff"] = TemporalStages.Difference,
        ["running-average"] = TemporalStages.RunningAverage,
        ["foreground"] = TemporalStages.Foreground,
        ["conv3d"] = s => new Conv3dStage(s),
    };

    /// <summary>Every op, sorted.</summary>
    public static IEnumerable<string> Ops => VideoFilters.Keys.Concat(TensorOps.Keys).Concat(TemporalOps.Keys).Order();

    /// <summary>The 8-bit video filters (what <c>convstream filter</c> offers), sorted.</summary>
    public static IEnumerable<string> FilterOps => VideoFilters.Keys.Order();

    public static bool IsKnown(string op, IReadOnlyDictionary<string, Func<StageSpec, IFrameFilter>>? extraOps = null)
        => VideoFilters.ContainsKey(op) || TensorOps.ContainsKey(op) || TemporalOps.ContainsKey(op) || (extraOps?.ContainsKey(op) ?? false);

    /// <summary>Builds any op's stage; unknown ops and keys are errors naming the stage and what is valid.</summary>
    /// <param name="extraOps">Ops of the caller's own (a library user's custom filters, tests), tried first.</param>
    public static IFrameFilter Create(StageSpec spec, IReadOnlyDictionary<string, Func<StageSpec, IFrameFilter>>? extraOps = null)
    {
        if ((extraOps is null || !extraOps.TryGetValue(spec.Op, out var factory))
            && !VideoFilters.TryGetValue(spec.Op, out factory) && !TensorOps.TryGetValue(spec.Op, out factory)
            && !TemporalOps.TryGetValue(spec.Op, out factory))
            throw new ConvStreamException($"{spec.Context}: unknown op '{spec.Op}'; expected one of {string.Join(", ", Ops.Concat(extraOps?.Keys ?? []).Order())}");
        return Build(spec, factory);
    }

    /// <summary>Parses <c>OP[:key=value,...]</c> (the <c>--stage</c> syntax) and builds its stage.</summary>
    public static IFrameFilter Create(string text, string? baseDirectory = null, ExecutionSettings? settings = null)
        => Create(StageSpec.Parse(text, baseDirectory, settings));

    /// <summary>Builds a video filter only (<c>convstream filter</c>): a tensor op is an unknown op here.</summary>
    public static IFrameFilter CreateFilter(StageSpec spec)
    {
        if (!VideoFilters.TryGetValue(spec.Op, out var factory))
            throw new ConvStreamException($"{spec.Context}: unknown op '{spec.Op}'; expected one of {string.Join(", ", FilterOps)}");
        return Build(spec, factory);
    }

    /// <summary><see cref="CreateFilter(StageSpec)"/> from <c>OP[:key=value,...]</c>.</summary>
    public static IFrameFilter CreateFilter(string text, string? baseDirectory = null, ExecutionSettings? settings = null)
        => CreateFilter(StageSpec.Parse(text, baseDirectory, settings));

    private static IFrameFilter Build(StageSpec spec, Func<StageSpec, IFrameFilter> factory)
    {
        var filter = factory(spec);
        spec.EnsureAllUsed();
        return filter;
    }
}
