using ConvStream.Engine;
using ConvStream.Pipeline.Files;

namespace ConvStream.Pipeline.Tests;

/// <summary>Every kind of mistake in a pipeline file is caught before anything runs, with the file, stage and field named.</summary>
public class ValidationTests
{
    private static string Error(string json)
        => Assert.ThrowsAny<ConvStreamException>(() => Harness.Plan(json)).Message;

    [Fact]
    public void CommentsAndTrailingCommasAreAccepted()
    {
        var plan = Harness.Plan("""
        {
          // a comment
          "source": "test:64x48@30", /* another */
          "stages": [ { "name": "a", "op": "add", "value": 2, }, ],
          "outputs": [ { "kind": "null", "stage": "a" }, ],
        }
        """);
        Assert.Equal("test:64x48@30", plan.Definition.Source!.Text);
        Assert.Equal(ScheduleMode.Offline, plan.Schedule.Mode);
        Assert.Equal(["source"], plan.Stages[0].Definition.Inputs);
    }

    [Fact]
    public void UnknownStageKeyNamesFileStageKeyAndTheValidKeys()
        => Assert.Equal("test.json: stage 'edges': unknown key 'valuee'; expected value",
            Error("""{ "stages": [ { "name": "edges", "op": "add", "valuee": 3 } ] }"""));

    [Fact]
    public void UnknownOpListsTheKnownOps()
    {
        var m = Error("""{ "stages": [ { "name": "blur", "op": "gausian" } ] }""");
        Assert.StartsWith("test.json: stage 'blur': unknown op 'gausian'; expected one of ", m);
        Assert.Contains("conv2d", m);
        Assert.Contains("max-pool2d", m);
    }

    [Fact]
    public void MissingInputIsNamed()
        => Assert.Equal("test.json: stage 'b': input 'nope' is not a stage; expected 'source' or one of a, b",
            Error("""{ "stages": [ { "name": "a", "op": "add" }, { "name": "b", "op": "add", "input": "nope" } ] }"""));

    [Fact]
    public void CyclicInputsAreNamed()
        => Assert.Equal("test.json: stage 'a': input cycle a → c → b → a; stages must form a graph without loops from the source",
            Error("""{ "stages": [ { "name": "a", "op": "add", "input": "c" }, { "name": "b", "op": "add", "input": "a" }, { "name": "c", "op": "add", "input": "b" } ] }"""));

    [Fact]
    public void KernelDepthMustEqualTheChannelsTheStageReceives()
    {
        var m = Error("""
        { "stages": [ { "name": "gray", "op": "test-gray" },
                      { "name": "features", "op": "conv2d", "input": "gray", "weights": "kernels/rgb-to-4.json" } ] }
        """);
        Assert.StartsWith("test.json: stage 'features': kernel depth 3 (rgb-to-4.json: (4,3,1,1)) ≠ the 1 channel(s) the stage receives", m);
        Assert.Contains("'gray' gives 64x48x1 u8", m);
    }

    [Fact]
    public void AFilterThatDoesNotFitNamesTheStageOnceAndKeepsTheFiltersMessageAsItsCause()
    {
        // The filter says what does not fit; the planner says which file and stage, once.
        var e = Assert.ThrowsAny<ConvStreamException>(() => Harness.Plan("""
        { "stages": [ { "name": "dx", "op": "sobel", "dx": 1, "dy": 0, "depth": "s16" },
                      { "name": "m", "op": "maxpool", "input": "dx" } ] }
        """));
        Assert.Equal("test.json: stage 'm': expects a u8 frame but got 64x48x3 s16 (input 'dx' gives 64x48x3 s16)", e.Message);
        Assert.Equal("expects a u8 frame but got 64x48x3 s16", Assert.IsType<ConvStreamException>(e.InnerException).Message);
    }

    [Fact]
    public void FanInNeedsTheRightNumberOfInputs()
        => Assert.Equal("test.json: stage 's': op 'sum2' reads 2 input(s) but 'input' names 1 (source)",
            Error("""{ "stages": [ { "name": "s", "op": "sum2" } ] }"""));

    [Fact]
    public void UnknownOutputKind()
        => Assert.Equal("test.json: output #1: unknown output kind 'screen'; expected one of file, images, preview, mosaic, null, window",
            Error("""{ "stages": [ { "name": "a", "op": "add" } ], "outputs": [ { "kind": "screen", "stage": "a" } ] }"""));

    [Theory]
    [InlineData("""{ "kind": "window", "stage": "a", "path": "a.png" }""", "test.json: output #1: a window output has no path (press s in the window to save PNGs)")]
    [InlineData("""{ "kind": "file", "stage": "a", "path": "a.mp4", "overlay": true }""", "test.json: output #1: key 'overlay' applies to window outputs only")]
    [InlineData("""{ "kind": "window", "stage": "a", "overlay": "yes" }""", "test.json: output #1: overlay must be true or false")]
    public void BadWindowOutput(string output, string message)
        => Assert.Equal(message, Error("""{ "stages": [ { "name": "a", "op": "add" } ], "outputs": [ """ + output + " ] }"));

    [Fact]
    public void WindowOutputIsParsed()
    {
        var d = PipelineFile.Parse("""{ "stages": [ { "name": "a", "op": "add" } ], "outputs": [ { "kind": "window", "stage": "a", "overlay": true } ] }""", "test.json", ".");
        var o = Assert.Single(d.Outputs);
        Assert.Equal((OutputKind.Window, "true"), (o.Kind, o.Options["overlay"]));
    }

    [Fact]
    public void OutputOfAMissingStage()
        => Assert.Equal("test.json: output #1: stage 'b' does not exist; expected 'source' or one of a",
            Error("""{ "stages": [ { "name": "a", "op": "add" } ], "outputs": [ { "kind": "null", "stage": "b" } ] }"""));

    [Fact]
    public void FileOutputNeedsARelativePath()
    {
        Assert.Equal("test.json: output #1: a file output needs 'path' (relative to the --output folder)",
            Error("""{ "stages": [ { "name": "a", "op": "add" } ], "outputs": [ { "kind": "file", "stage": "a" } ] }"""));
        Assert.Equal("test.json: output #1: path '/tmp/x.mp4' must be a relative path (it is placed in the --output folder)",
            Error("""{ "stages": [ { "name": "a", "op": "add" } ], "outputs": [ { "kind": "file", "stage": "a", "path": "/tmp/x.mp4" } ] }"""));
    }

    [Fact]
    public void MultiChannelFeatureMapsCannotGoToAFile()
        => Assert.StartsWith("test.json: output 'f.mp4': stage 'f' gives 4 channels but a file output shows 1 (gray) or 3 (BGR)",
            Error("""{ "stages": [ { "name": "f", "op": "conv2d", "weights": "kernels/rgb-to-4.json" } ], "outputs": [ { "kind": "file", "stage": "f", "path": "f.mp4" } ] }"""));

    [Theory]
    [InlineData("""{ "mode": "realtime" }""", "test.json: schedule: mode 'realtime' is not live or offline")]
    [InlineData("""{ "mode": "offline", "drop": "drop-oldest" }""", "test.json: schedule: drop 'drop-oldest' contradicts mode 'offline', which loses no frame; use drop 'wait' or mode 'live'")]
    [InlineData("""{ "capacity": 0 }""", "test.json: schedule: capacity: 0 is outside 1..1024")]
    [InlineData("""{ "threads": "two" }""", "test.json: schedule: threads: expected an integer but found the string 'two'")]
    [InlineData("""{ "band": 16 }""", "test.json: schedule: unknown key 'band'; expected mode, capacity, drop, threads, band-height")]
    public void InvalidSchedules(string schedule, string expected)
        => Assert.Equal(expected, Error($$"""{ "stages": [ { "name": "a", "op": "add" } ], "schedule": {{schedule}} }"""));

    [Theory]
    [InlineData("""{ "stages": [ { "name": "a", "op": "add" }, { "name": "a", "op": "add" } ] }""", "test.json: stage 'a': name is used by another stage")]
    [InlineData("""{ "stages": [ { "op": "add" } ] }""", "test.json: stage #1: key 'name' is required")]
    [InlineData("""{ "stages": [ { "name": "source", "op": "add" } ] }""", "test.json: stage 'source': the name 'source' is reserved for the pipeline's source")]
    [InlineData("""{ "stages": [] }""", "test.json: 'stages' is empty; a pipeline needs at least one stage")]
    [InlineData("""{ "stage": [] }""", "test.json: unknown key 'stage'; expected description, source, stages, outputs, schedule")]
    [InlineData("""{ "stages": [ { "name": "a", "op": "add", "value": { "x": 1 } } ] }""", "test.json: stage 'a': key 'value': expected a string, number, boolean or list of numbers but found an object")]
    [InlineData("""{ "stages": [ { "name": "a", "op": "add" } """, "test.json: not valid JSON at line 1, column 44: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed.")]
    public void MalformedFiles(string json, string expected) => Assert.Equal(expected, Error(json));

    [Fact]
    public void MissingPipelineFileIsNamed()
        => Assert.Equal("nowhere/x.json: pipeline file not found", Assert.Throws<ConvStreamException>(() => PipelineFile.Load("nowhere/x.json")).Message);

    [Fact]
    public void ShippedPipelinesParse()
    {
        string dir = FindRepoFile("filters/pipelines");
        var files = Directory.GetFiles(dir, "*.json");
        Assert.Contains(files, f => f.EndsWith("demo.json"));
        Assert.Contains(files, f => f.EndsWith("webcam.json"));
        Assert.Contains(files, f => f.EndsWith("cnn.json"));
        Assert.Contains(files, f => f.EndsWith("bench.json"));
        foreach (var f in files)
        {
            // Every shipped file plans: ops, keys, kernel files and formats all fit (at a small frame size).
            var plan = Planning.PipelinePlan.Build(PipelineFile.Load(f), new Engine.Filters.FrameFormat(160, 90, 3, Engine.Imaging.PixelDepth.U8));
            Assert.NotEmpty(plan.Stages);
            Assert.NotEmpty(plan.Outputs);
        }
        Assert.Equal(ScheduleMode.Live, PipelineFile.Load(Path.Combine(dir, "webcam.json")).Schedule.Mode);
    }

    [Fact]
    public void CnnPipelinePlansWithFeatureMapsAsAMosaic()
    {
        string file = Path.Combine(FindRepoFile("filters/pipelines"), "cnn.json");
        var plan = Planning.PipelinePlan.Build(PipelineFile.Load(file), new Engine.Filters.FrameFormat(320, 240, 3, Engine.Imaging.PixelDepth.U8));
        var conv = plan.Stages.First(s => s.Op == "conv2d");
        Assert.Equal(8, conv.Output.Channels);
        var back = plan.Stages.First(s => s.Op == "conv-transpose2d");
        Assert.Equal((3, 240, 320), (back.Output.Channels, back.Output.Height, back.Output.Width));
        Assert.Contains(plan.Outputs, o => o.Definition.Kind == OutputKind.Mosaic && o.Inputs.Any(f => f.Channels == 8));
    }

    internal static string FindRepoFile(string relative)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (Directory.Exists(Path.Combine(d.FullName, relative)) || File.Exists(Path.Combine(d.FullName, relative)))
                return Path.Combine(d.FullName, relative);
        throw new DirectoryNotFoundException(relative);
    }
}
