namespace ConvStream.Cli.Tests;

/// <summary>
/// <c>convstream run</c> on bad input: each case exits non-zero with one stderr line naming the
/// file, the stage or output and the field, and writes nothing (the --output folder is not even
/// created, since everything is checked before a frame is decoded).
/// </summary>
public class RunErrorTests
{
    private const string Output = """ "outputs": [ { "kind": "file", "stage": "a", "path": "a.mp4" } ] """;

    private static string Gray3Kernel => PipelineMedia.Json(Path.Combine(PipelineMedia.Kernels, "cnn", "features.json"));

    /// <summary>Case → (pipeline file text, or null for none; the words its one error line must contain).</summary>
    private static readonly Dictionary<string, (string? Json, string[] Expect)> Cases = new()
    {
        ["unknown-op"] = ($$"""{ "source": "clip.mp4", "stages": [ { "name": "a", "op": "blurr", "input": "source" } ], {{Output}} }""",
            ["p.json", "stage 'a'", "unknown op 'blurr'", "gaussian"]),
        ["unknown-key"] = ($$"""{ "source": "clip.mp4", "stages": [ { "name": "a", "op": "gaussian", "input": "source", "size": 5, "sigmaa": 1 } ], {{Output}} }""",
            ["p.json", "stage 'a'", "unknown key 'sigmaa'", "sigma"]),
        ["unknown-key-sobel"] = ($$"""{ "source": "clip.mp4", "stages": [ { "name": "a", "op": "sobel-magnitude", "input": "source", "sizee": 5 } ], {{Output}} }""",
            ["p.json", "stage 'a'", "unknown key 'sizee'", "size"]),
        ["unknown-output-key"] = ("""{ "source": "clip.mp4", "stages": [ { "name": "a", "op": "gray", "input": "source" } ], "outputs": [ { "kind": "file", "stage": "a", "path": "a.mp4", "codec": "h264" } ] }""",
            ["p.json", "output #1", "unknown key 'codec'"]),
        ["missing-input"] = ($$"""{ "source": "clip.mp4", "stages": [ { "name": "a", "op": "gaussian", "input": "nope", "size": 5 } ], {{Output}} }""",
            ["p.json", "stage 'a'", "input 'nope'"]),
        ["cycle"] = ($$"""
            { "source": "clip.mp4", "stages": [
                { "name": "a", "op": "gaussian", "input": "c", "size": 5 },
                { "name": "b", "op": "gray", "input": "a" },
                { "name": "c", "op": "box", "input": "b", "size": 3 } ], {{Output}} }
            """, ["p.json", "cycle", "a → c → b → a"]),
        ["kernel-depth"] = ($$"""
            { "source": "clip.mp4", "stages": [
                { "name": "g", "op": "gray", "input": "source" },
                { "name": "a", "op": "conv2d", "input": "g", "weights": {{Gray3Kernel}} } ],
              "outputs": [ { "kind": "mosaic", "stages": ["a"], "path": "a.mp4" } ] }
            """, ["p.json", "stage 'a'", "kernel depth 3", "features.json", "1 channel"]),
        ["output-kind"] = ("""{ "source": "clip.mp4", "stages": [ { "name": "a", "op": "gray", "input": "source" } ], "outputs": [ { "kind": "hologram", "stage": "a", "path": "a.mp4" } ] }""",
            ["p.json", "output #1", "unknown output kind 'hologram'", "file"]),
        ["schedule-drop"] = ($$"""{ "source": "clip.mp4", "stages": [ { "name": "a", "op": "gray", "input": "source" } ], {{Output}}, "schedule": { "mode": "offline", "drop": "drop-oldest" } }""",
            ["p.json", "schedule", "drop"]),
        ["schedule-capacity"] = ($$"""{ "source": "clip.mp4", "stages": [ { "name": "a", "op": "gray", "input": "source" } ], {{Output}}, "schedule": { "capacity": 0 } }""",
            ["p.json", "schedule", "capacity"]),
        ["schedule-mode"] = ($$"""{ "source": "clip.mp4", "stages": [ { "name": "a", "op": "gray", "input": "source" } ], {{Output}}, "schedule": { "mode": "warp" } }""",
            ["p.json", "schedule", "mode 'warp'"]),
        ["missing-source"] = ($$"""{ "source": "missing.mp4", "stages": [ { "name": "a", "op": "gray", "input": "source" } ], {{Output}} }""",
            ["missing.mp4", "not found"]),
        ["missing-pipeline"] = (null, ["p.json", "not found"]),
        ["corrupt-source"] = ($$"""{ "source": "junk.mp4", "stages": [ { "name": "a", "op": "gray", "input": "source" } ], {{Output}} }""",
            ["junk.mp4", "cannot read"]),
        ["feature-map-to-file"] = ($$"""{ "source": "clip.mp4", "stages": [ { "name": "a", "op": "conv2d", "input": "source", "weights": {{Gray3Kernel}} } ], {{Output}} }""",
            ["p.json", "output 'a.mp4'", "8 channels", "mosaic"]),
        ["video-extension"] = ("""{ "source": "clip.mp4", "stages": [ { "name": "a", "op": "gray", "input": "source" } ], "outputs": [ { "kind": "file", "stage": "a", "path": "a.xyz" } ] }""",
            ["a.xyz", "extension", ".mp4"]),
        ["malformed-json"] = ("{\n  \"source\": \"clip.mp4\",\n  \"stages\": [\n    { \"name\": \"a\" \"op\": \"gray\" }\n  ]\n}\n",
            ["p.json", "line 4"]),
    };

    private static readonly ParallelRuns<string> Runs = new(Cases.Keys, (key, work) =>
    {
        File.Copy(PipelineMedia.Clip, work.File("clip.mp4"));
        if (key == "corrupt-source") File.WriteAllText(work.File("junk.mp4"), "not a video");
        if (Cases[key].Json is string json) File.WriteAllText(work.File("p.json"), json);
        return ["run", "p.json", "--output", "out"];
    });

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void FailsWithOneClearLineAndWritesNothing(string name)
    {
        var (work, r) = Runs.Get(name);
        using var _ = work;
        Assert.True(r.ExitCode != 0, r.ToString());
        string line = Assert.Single(r.StderrLines);
        Assert.StartsWith("convstream run: ", line);
        foreach (var word in Cases[name].Expect) Assert.True(line.Contains(word, StringComparison.Ordinal), $"'{word}' missing from: {line}");
        Assert.DoesNotContain("   at ", r.Stderr); // no stack trace
        // Every case is caught before anything is created, even the output's extension, which the
        // media layer checks once the folder is made: a folder made for a run that failed before its
        // first frame is removed again.
        Assert.False(Directory.Exists(work.File("out")), $"the output folder was created: {string.Join(", ", work.Files())}");
        string[] inputs = Cases[name].Json is null ? ["clip.mp4"] : name == "corrupt-source" ? ["clip.mp4", "junk.mp4", "p.json"] : ["clip.mp4", "p.json"];
        Assert.Equal(inputs.Order(StringComparer.Ordinal), work.Files());
    }
}
