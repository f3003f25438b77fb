using System.Text.Json;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;
using Xunit.Abstractions;
using ConvStream.Stages;

namespace ConvStream.Engine.Tests.Filters.Misc;

/// <summary>
/// Replays Fixtures/opencv/misc/cases.json (made by make_misc_fixtures.py with OpenCV 4.6 and
/// PyTorch 1.13): every stage string on its inputs, at every SIMD level with 1 and 2 threads,
/// compared with OpenCV's output at the case's tolerance (0 = bit-exact for gray,
/// sobel-magnitude, magnitude of s16, pools; 1 for conv on u8; 1e-4 relative for f32).
/// </summary>
public sealed class MiscFixtureTests(ITestOutputHelper log)
{
    private sealed record Case(string Name, string Stage, string[] Inputs, string Expected, double Tol, string Kind);

    private static readonly Lazy<Dictionary<string, Case>> Cases = new(() =>
    {
        var json = File.ReadAllText(Path.Combine(MiscTestSupport.FixtureDir, "cases.json"));
        var list = JsonSerializer.Deserialize<Case[]>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        return list.ToDictionary(c => c.Name);
    });

    public static IEnumerable<object[]> Names() => Cases.Value.Keys.Order().Select(n => new object[] { n });

    [Fact]
    public void Fixtures_cover_every_op_and_border()
    {
        var stages = Cases.Value.Values.Select(c => c.Stage).ToArray();
        foreach (var op in new[] { "gray", "magnitude", "sobel-magnitude", "conv", "maxpool", "avgpool" })
            Assert.Contains(stages, s => s == op || s.StartsWith(op + ":", StringComparison.Ordinal));
        foreach (var b in new[] { "reflect", "replicate", "symmetric", "zeros", "circular" })
            Assert.Contains(stages, s => s.StartsWith("conv:", StringComparison.Ordinal) && s.Contains("border=" + b, StringComparison.Ordinal));
        Assert.True(Cases.Value.Count > 200, $"only {Cases.Value.Count} cases");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Matches_opencv(string name)
    {
        var c = Cases.Value[name];
        var inputs = c.Inputs.Select(f => MiscTestSupport.ToFrame(Npy.Read(Path.Combine(MiscTestSupport.FixtureDir, f)))).ToArray();
        var expected = Npy.Read(Path.Combine(MiscTestSupport.FixtureDir, c.Expected));
        Assert.Equal(inputs.Length, StageRegistry.Create(c.Stage, MiscTestSupport.RepoRoot).InputCount);
        int offByOne = 0;
        MiscTestSupport.ForEachPath((level, threads, settings) =>
        {
            var output = MiscTestSupport.Run(StageRegistry.Create(c.Stage, MiscTestSupport.RepoRoot, settings), inputs);
            string where = $"{name} ({c.Stage}) at {level}, {threads} thread(s)";
            int h = expected.Shape[0], w = expected.Shape[1], ch = expected.Shape.Length == 3 ? expected.Shape[2] : 1;
            Assert.True(output.Width == w && output.Height == h && output.Channels == ch, $"{where}: output {output.ShapeText}, OpenCV ({h},{w},{ch})");
            var wantDepth = MiscTestSupport.ToFrame(expected).Depth;
            Assert.True(output.Depth == wantDepth, $"{where}: depth {output.Depth} but OpenCV gave {wantDepth}");
            var got = FrameConvert.ToPackedFloats(output);
            var want = expected.ToTensor().Span;
            int diffs = 0;
            for (int i = 0; i < got.Length; i++)
            {
                double d = Math.Abs(got[i] - want[i]);
                double tol = c.Kind == "rel" ? c.Tol * Math.Max(1.0, Math.Abs(want[i])) : c.Tol;
                if (d > tol) Assert.Fail($"{where}: sample {i} (y {i / (w * ch)}, x {i / ch % w}, c {i % ch}) is {got[i]} but OpenCV gives {want[i]} (tolerance {tol})");
                if (d != 0) diffs++;
            }
            offByOne = Math.Max(offByOne, diffs);
        });
        if (offByOne > 0) log.WriteLine($"{name}: {offByOne} samples differ within tolerance");
    }
}
