using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;
using ConvStream.Pipeline.Runtime;
using ConvStream.Pipeline.Synthetic;
using ConvStream.Pipeline.Video;

namespace ConvStream.Pipeline.Tests;

internal static class Harness
{
    public static string Dir => AppContext.BaseDirectory;

    public static PipelineDefinition Parse(string json) => PipelineFile.Parse(json, Path.Combine(Dir, "test.json"), Dir);

    public static PipelinePlan Plan(string json, int w = 64, int h = 48, int c = 3)
        => PipelinePlan.Build(Parse(json), new FrameFormat(w, h, c, PixelDepth.U8), TestFilters.Ops);

    /// <summary>A capture sink per output of the plan.</summary>
    public static Dictionary<string, IVideoSink> Capture(PipelinePlan plan, Func<string, CaptureSink>? make = null)
        => plan.Outputs.ToDictionary(o => o.Name, o => (IVideoSink)(make?.Invoke(o.Name) ?? new CaptureSink()));

    public static Frame Source(int w, int h, long index, int c = 3)
    {
        var src = new SyntheticSource(w, h, c);
        var f = new Frame(w, h, c);
        src.Draw(f, index);
        return f;
    }
}
