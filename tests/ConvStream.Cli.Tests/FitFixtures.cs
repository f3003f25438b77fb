using System.Text.Json;
using ConvStream.Engine.Filters.Kernels;
using ConvStream.Stages;

namespace ConvStream.Cli.Tests;

/// <summary>
/// The before/after pairs made by OpenCV (Fixtures/fit/make_fit_fixtures.py) and what the fit tests
/// need around them: the real command run in a fresh folder, the kernels OpenCV applied, and the
/// kernel file the command wrote.
/// </summary>
internal static class FitFixtures
{
    public static string Folder { get; } = Path.Combine(PipelineMedia.RepoRoot, "tests", "ConvStream.Cli.Tests", "Fixtures", "fit");

    public static string F(string name) => Path.Combine(Folder, name);

    /// <summary><c>convstream fit ARGS</c> with the working directory <paramref name="work"/>.</summary>
    public static CommandResult Fit(TempFolder work, params string[] args) => ConvstreamProcess.Run(work.Path, ["fit", .. args]);

    private static readonly Lazy<JsonElement> Cases = new(() => JsonDocument.Parse(File.ReadAllText(F("kernels.json"))).RootElement.GetProperty("cases"));

    /// <summary>The weights OpenCV applied in case <paramref name="name"/>, flattened row-major.</summary>
    public static double[] Truth(string name)
    {
        var list = new List<double>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array) foreach (var x in e.EnumerateArray()) Walk(x);
            else list.Add(e.GetDouble());
        }
        Walk(Cases.Value.GetProperty(name).GetProperty("weights"));
        return list.ToArray();
    }

    public static double[] TruthBias(string name)
    {
        var b = Cases.Value.GetProperty(name).GetProperty("bias");
        return b.ValueKind == JsonValueKind.Array ? b.EnumerateArray().Select(x => x.GetDouble()).ToArray() : [b.GetDouble()];
    }

    public static double MaxDiff(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        Assert.Equal(a.Count, b.Count);
        return a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
    }

    public static KernelFile Load(TempFolder work, string name) => KernelFile.Load(work.File(name));

    public static void Succeeded(CommandResult r) => Assert.True(r.ExitCode == 0, r.ToString());
}
