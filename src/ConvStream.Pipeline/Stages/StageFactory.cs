using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Temporal;
using ConvStream.Engine.Simd;

namespace ConvStream.Pipeline.Stages;

/// <summary>
/// Creates a stage's filter from its spec: the pipeline's tensor ops (conv2d, relu, max-pool2d,
/// avg-pool2d, conv-transpose2d, normalize, to-u8), the temporal stages (tmix, tdiff,
/// running-average, foreground) and every video filter of the engine's
/// <see cref="FilterRegistry"/> (gaussian, sobel, conv, maxpool, …). Unknown ops and keys are
/// errors naming the stage and listing what is valid.
/// </summary>
public static class StageFactory
{
    private static readonly Dictionary<string, Func<StageSpec, IFrameFilter>> TensorOps = new(StringComparer.OrdinalIgnoreCase)
    {
        ["conv2d"] = s => new Conv2dStage(s),
        ["conv-transpose2d"] = s => new ConvTranspose2dStage(s),
        ["max-pool2d"] = s => new Pool2dStage(s, max: true),
        ["avg-pool2d"] = s => new Pool2dStage(s, max: false),
        ["relu"] = s => new ReluStage(s),
        ["normalize"] = s => new NormalizeStage(s),
        ["to-u8"] = s => new ToU8Stage(s),
        ["conv3d"] = s => new Conv3dStage(s),
        ["tmix"] = TemporalMixFilter.Create,
        ["tdiff"] = FrameDifferenceFilter.Create,
        ["running-average"] = RunningAverageFilter.Create,
        ["foreground"] = ForegroundFilter.Create,
    };

    public static IEnumerable<string> Ops => TensorOps.Keys.Concat(FilterRegistry.Ops).Distinct(StringComparer.OrdinalIgnoreCase).Order();

    public static bool IsKnown(string op, IReadOnlyDictionary<string, Func<StageSpec, IFrameFilter>>? extraOps = null)
        => TensorOps.ContainsKey(op) || FilterRegistry.IsKnown(op) || (extraOps?.ContainsKey(op) ?? false);

    /// <param name="extraOps">Ops of the caller's own (a library user's custom filters, tests), tried first.</param>
    public static IFrameFilter Create(StageSpec spec, IReadOnlyDictionary<string, Func<StageSpec, IFrameFilter>>? extraOps = null)
    {
        if ((extraOps is not null && extraOps.TryGetValue(spec.Op, out var factory)) || TensorOps.TryGetValue(spec.Op, out factory))
        {
            var filter = factory(spec);
            spec.EnsureAllUsed();
            return filter;
        }
        if (!FilterRegistry.IsKnown(spec.Op))
            throw new ConvStreamException($"{spec.Context}: unknown op '{spec.Op}'; expected one of {string.Join(", ", Ops.Concat(extraOps?.Keys ?? []).Order())}");
        return FilterRegistry.Create(spec);
    }

    /// <summary>Parses <c>OP[:key=value,...]</c> (the <c>--stage</c> syntax) and creates its filter.</summary>
    public static IFrameFilter Create(string text, string? baseDirectory = null, ExecutionSettings? settings = null)
        => Create(StageSpec.Parse(text, baseDirectory, settings));
}
