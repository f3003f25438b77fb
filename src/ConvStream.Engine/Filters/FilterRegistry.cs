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
        ["gaussian"] = Ops.GaussianFilter.FromSpec,
        ["box"] = Ops.BoxFilter.FromSpec,
        ["sobel"] = Ops.SobelFilter.FromSpec,
        ["scharr"] = Ops.ScharrFilter.FromSpec,
        ["laplacian"] = Ops.LaplacianFilter.FromSpec,
        ["gray"] = Ops.GrayFilter.Create,
        ["magnitude"] = Ops.MagnitudeFilter.Create,
        ["sobel-magnitude"] = Ops.SobelMagnitudeFilter.Create,
        ["conv"] = Ops.ConvFilter.Create,
        ["maxpool"] = Ops.MaxPoolFilter.Create,
        ["avgpool"] = Ops.AvgPoolFilter.Create,
    };

    public static IEnumerable<string> Ops => Factories.Keys.Order();

    public static bool IsKnown(string op) => Factories.ContainsKey(op);

    public static IFrameFilter Create(string text, string? baseDirectory = null) => Create(StageSpec.Parse(text, baseDirectory));

    public static IFrameFilter Create(StageSpec spec)
    {
        if (!Factories.TryGetValue(spec.Op, out var factory))
            throw new ConvStreamException($"{spec.Context}: unknown op '{spec.Op}'; expected one of {string.Join(", ", Ops)}");
        var filter = factory(spec);
        spec.EnsureAllUsed();
        return filter;
    }
}
