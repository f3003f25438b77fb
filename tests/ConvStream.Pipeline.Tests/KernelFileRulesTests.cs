using ConvStream.Engine;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Tensors;
using ConvStream.Stages;

namespace ConvStream.Pipeline.Tests;

/// <summary>
/// conv2d and conv-transpose2d read their weights with the one kernel-file parser, under the rules
/// of filters/README.md: unknown keys are errors, <c>scale</c> multiplies the weights, <c>mode:
/// "convolve"</c> is conv2d's flip (the stage's <c>flip</c> overrides it), and what belongs to
/// <c>conv</c> alone (a 2-D kernel, <c>anchor</c>) is refused naming the file.
/// </summary>
public sealed class KernelFileRulesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("convstream-kernels-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string json)
    {
        File.WriteAllText(Path.Combine(_dir.FullName, name), json);
        return Path.Combine(_dir.FullName, name).Replace("\\", "/");
    }

    private static string Stage(string path, string extra = "") => $$"""
    { "stages": [ { "name": "c", "op": "conv2d", "input": "source", "weights": "{{path}}"{{extra}} } ],
      "outputs": [ { "kind": "null", "stage": "c", "name": "out" } ] }
    """;

    private static string Error(string json) => Assert.ThrowsAny<ConvStreamException>(() => Harness.Plan(json, 8, 6, 1)).Message;

    [Fact]
    public void UnknownKeysAreErrorsForConv2dToo()
        => Assert.Equal("test.json: stage 'c': k.json: unknown key \"wieghts\"; expected weights, mode, scale, bias, anchor, name, description",
            Error(Stage(Write("k.json", """{ "weights": [[[[1]]]], "wieghts": 1 }"""))));

    [Fact]
    public void TheStagesErrorKeepsTheParsersAsItsCause()
    {
        var e = Assert.ThrowsAny<ConvStreamException>(() => Harness.Plan(Stage(Write("c.json", """{ "weights": [[[[1]]]], "scale": "x" }""")), 8, 6, 1));
        Assert.Equal("test.json: stage 'c': c.json: \"scale\" must be a number but is \"x\"", e.Message);
        Assert.Equal("c.json: \"scale\" must be a number but is \"x\"", Assert.IsType<ConvStreamException>(e.InnerException).Message);
        // A format error: the op's own message is the cause, the planner adds the file, stage and input.
        var f = Assert.ThrowsAny<ConvStreamException>(() => Harness.Plan(Stage(Write("d.json", """{ "weights": [[[[1]], [[1]]]] }""")), 8, 6, 1));
        Assert.Equal("test.json: stage 'c': kernel depth 2 (d.json: (1,2,1,1)) ≠ the 1 channel(s) the stage receives (input 'source' gives 8x6x1 u8)", f.Message);
        Assert.Equal("kernel depth 2 (d.json: (1,2,1,1)) ≠ the 1 channel(s) the stage receives", f.InnerException!.Message);
    }

    [Fact]
    public void ATwoDKernelOrAnAnchorIsForConv()
    {
        Assert.Equal("test.json: stage 'c': k2.json: conv2d needs weights nested 4 deep (out channels, in channels, height, width) but the file holds one 3x3 kernel (a 2-D kernel is for 'conv')",
            Error(Stage(Write("k2.json", """{ "weights": [[0, 0, 0], [0, 1, 0], [0, 0, 0]] }"""))));
        Assert.Equal("test.json: stage 'c': ka.json: \"anchor\" is for 'conv'; conv2d places its kernel by padding",
            Error(Stage(Write("ka.json", """{ "weights": [[[[1, 2]]]], "anchor": [0, 0] }"""))));
    }

    [Fact]
    public void ScaleMultipliesAndConvolveFlips()
    {
        // A 1x3 kernel [1, 2, 3] on the row 10, 20, 30, 40 (valid): correlation 140, 200; convolution 100, 160.
        var x = new Tensor([10f, 20f, 30f, 40f], 1, 1, 4);
        string plain = Write("p.json", """{ "weights": [[[[1, 2, 3]]]] }""");
        string scaled = Write("s.json", """{ "weights": [[[[2, 4, 6]]]], "scale": 0.5, "bias": [1] }""");
        string flipped = Write("f.json", """{ "weights": [[[[1, 2, 3]]]], "mode": "convolve", }""");
        var (w, b) = KernelFile.Load(scaled).ToTensors("conv2d");
        Assert.Equal([1f, 2f, 3f], w.Data);
        Assert.Equal([1f], b!.Data);
        Assert.Equal([140f, 200f], Conv2d.Forward(x, KernelFile.Load(plain).ToTensors("conv2d").Weights, null, new Conv2dOptions()).Data);

        Assert.Equal("true", Values(flipped)["flip"]);
        Assert.Equal("false", Values(plain)["flip"]);
        Assert.Equal("false", Values(flipped, """, "flip": false""")["flip"]); // the stage overrides the file
    }

    [Fact]
    public void ConvTransposeRefusesConvolveMode()
        => Assert.Equal("test.json: stage 'c': f.json: \"mode\": \"convolve\" is for conv and conv2d; conv-transpose2d has no flip",
            Error(Stage(Write("f.json", """{ "weights": [[[[1]]]], "mode": "convolve" }""")).Replace("\"conv2d\"", "\"conv-transpose2d\"")));

    private static IReadOnlyDictionary<string, string?> Values(string path, string extra = "")
        => Harness.Plan(Stage(path, extra), 8, 6, 1).Stages[0].Values;
}
