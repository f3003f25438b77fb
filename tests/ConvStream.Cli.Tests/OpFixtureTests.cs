using System.Text.Json;
using ConvStream.Engine.Io;

namespace ConvStream.Cli.Tests;

/// <summary>
/// Runs the real <c>convstream op</c> command on every PyTorch/SciPy fixture
/// (Fixtures/make_fixtures.py) and compares each output file with the expected one:
/// same shape, float32, and |actual − expected| ≤ 1e-4 + 1e-4·|expected| for every element
/// (the expected values were computed in float64; the engine works in float32).
/// </summary>
public sealed class OpFixtureTests
{
    private const double AbsTolerance = 1e-4, RelTolerance = 1e-4;

    private static string OpsFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "ops");

    private static string[] CaseNames()
        => Directory.GetDirectories(OpsFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    public static TheoryData<string> Cases() => new(CaseNames());

    private sealed record FixtureCase(string Op, string[] Args, Dictionary<string, string> Inputs, Dictionary<string, string> Outputs, string MadeBy);

    private static FixtureCase Load(string name)
    {
        string json = File.ReadAllText(Path.Combine(OpsFolder, name, "case.json"));
        return JsonSerializer.Deserialize<FixtureCase>(json, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })
               ?? throw new InvalidDataException($"{name}/case.json is empty");
    }

    /// <summary>All cases run at once on first use; each theory row checks its own.</summary>
    private static readonly Lazy<ParallelRuns<string>> Runs = new(() => new ParallelRuns<string>(CaseNames(), CommandLine));

    private static string[] CommandLine(string name, TempFolder work)
    {
        var c = Load(name);
        var args = new List<string> { "op", c.Op };
        args.AddRange(c.Args);
        foreach (var (option, file) in c.Inputs) { args.Add(option); args.Add(Path.Combine(OpsFolder, name, file)); }
        foreach (var (option, file) in c.Outputs) { args.Add(option); args.Add(work.File(file)); }
        return args.ToArray();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Op_matches_pytorch_or_scipy(string name)
    {
        var c = Load(name);
        var (work, result) = Runs.Value.Get(name);
        using var _ = work;

        Assert.True(result.ExitCode == 0, $"{name} ({c.MadeBy}): {result}");
        Assert.Equal("", result.Stderr);
        Assert.Equal(c.Outputs.Values.Order(StringComparer.Ordinal), work.Files());
        foreach (string file in c.Outputs.Values)
            AssertClose(name, file, Npy.Read(Path.Combine(OpsFolder, name, file)), Npy.Read(work.File(file)));
    }

    [Fact]
    public void Every_op_has_fixtures()
    {
        var ops = CaseNames().Select(name => Load(name).Op).ToHashSet();
        Assert.Equal(new[] { "avg-pool2d", "conv-transpose2d", "conv2d", "conv2d-backward", "conv3d", "max-pool2d" }, ops.Order(StringComparer.Ordinal));
        Assert.True(CaseNames().Length >= 40, $"expected at least 40 fixture cases, found {CaseNames().Length}");
    }

    internal static void AssertClose(string name, string file, NpyArray expected, NpyArray actual)
    {
        Assert.Equal(NpyDType.Float32, actual.DType);
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{name}/{file}: shape ({string.Join(",", actual.Shape)}) but PyTorch/SciPy gave ({string.Join(",", expected.Shape)})");
        var e = expected.As<float>();
        var a = actual.As<float>();
        int bad = 0, first = -1;
        double worst = 0;
        for (int i = 0; i < e.Length; i++)
        {
            double err = Math.Abs((double)a[i] - e[i]);
            if (!(err <= AbsTolerance + RelTolerance * Math.Abs(e[i])))
            {
                if (bad++ == 0) first = i;
                worst = Math.Max(worst, double.IsNaN(err) ? double.PositiveInfinity : err);
            }
        }
        Assert.True(bad == 0,
            $"{name}/{file}: {bad} of {e.Length} values differ beyond 1e-4 abs + 1e-4 rel (worst {worst:g4}); first at flat index {first}: got {(first >= 0 ? a[first] : 0)} expected {(first >= 0 ? e[first] : 0)}");
    }
}
