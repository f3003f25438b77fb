namespace ConvStream.Engine.Filters;

/// <summary>
/// Every video filter op by name. Each op's class supplies a factory that reads its keys from a
/// <see cref="StageSpec"/>; <see cref="Create"/> then checks no unknown key was left over.
/// </summary>
public static class FilterRegistry
{
    private static readonly Dictionary<string, Func<StageSpec, IFrameFilter>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        // op name → factory; one entry per op class (see Filters/Ops/).
        ["gaussian"] = global::ConvStream.Engine.Filters.Ops.GaussianFilter.FromSpec,
        ["box"] = global::ConvStream.Engine.Filters.Ops.BoxFilter.FromSpec,
        ["sobel"] = global::ConvStream.Engine.Filters.Ops.SobelFilter.FromSpec,
        ["scharr"] = global::ConvStream.Engine.Filters.Ops.ScharrFilter.FromSpec,
        ["laplacian"] = global::ConvStream.Engine.Filters.Ops.LaplacianFilter.FromSpec,
        ["gray"] = global::ConvStream.Engine.Filters.Ops.GrayFilter.Create,
        ["magnitude"] = global::ConvStream.Engine.Filters.Ops.MagnitudeFilter.Create,
        ["sobel-magnitude"] = global::ConvStream.Engine.Filters.Ops.SobelMagnitudeFilter.Create,
        ["conv"] = global::ConvStream.Engine.Filters.Ops.ConvFilter.Create,
        ["maxpool"] = global::ConvStream.Engine.Filters.Ops.MaxPoolFilter.Create,
        ["avgpool"] = global::ConvStream.Engine.Filters.Ops.AvgPoolFilter.Create,
    };

    public static IEnumerable<string> Ops => Factories.Keys.Order();

    public static bool IsKnown(string op) => Factories.ContainsKey(op);

    public static IFrameFilter Create(string text, string? baseDirectory = null, Simd.ExecutionSettings? settings = null)
        => Create(StageSpec.Parse(text, baseDirectory, settings));

    public static IFrameFilter Create(StageSpec spec)
    {
        if (!Factories.TryGetValue(spec.Op, out var factory))
            throw new ConvStreamException($"{spec.Context}: unknown op '{spec.Op}'; expected one of {string.Join(", ", Ops)}");
        var filter = factory(spec);
        spec.EnsureAllUsed();
        return filter;
    }
}
