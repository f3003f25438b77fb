using System.Text;
using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Files;
using ConvStream.Pipeline.Planning;

namespace ConvStream.Pipeline.Tests;

/// <summary>
/// Planning is linear in the number of stages (it once copied the whole path per stage: 2k stages
/// took 112 MB, 20k 6.4 GB), and a pipeline past <see cref="PipelineFile.MaxStages"/> is refused
/// before it is planned. Memory is measured as bytes allocated (deterministic), not time.
/// </summary>
public class PlanningScaleTests
{
    private static string Chain(int stages, bool reversed = false)
    {
        var sb = new StringBuilder("""{ "source": "test:32x24@30", "stages": [""");
        var names = Enumerable.Range(0, stages).ToList();
        if (reversed) names.Reverse(); // each stage listed before its input: the worst order for a naive sort
        sb.AppendJoin(",", names.Select(i => $$"""{ "name": "s{{i}}", "op": "box", "size": 3, "input": "{{(i == 0 ? "source" : $"s{i - 1}")}}" }"""));
        sb.Append($$"""], "outputs": [ { "kind": "null", "stage": "s{{stages - 1}}" } ] }""");
        return sb.ToString();
    }

    private static long PlanningBytes(int stages, bool reversed = false)
    {
        var definition = PipelineFile.Parse(Chain(stages, reversed), "chain.json", ".");
        var format = new FrameFormat(32, 24, 3, PixelDepth.U8);
        PipelinePlan.Build(definition, format); // warm (JIT, statics)
        long before = GC.GetAllocatedBytesForCurrentThread();
        var plan = PipelinePlan.Build(definition, format);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(stages, plan.Stages.Count);
        Assert.Equal(1 + 2 * stages, plan.Stages[^1].ReceptiveField.H); // each 3x3 box widens the field by 2
        return bytes;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PlanningMemoryGrowsLinearlyWithTheStages(bool reversed)
    {
        long small = PlanningBytes(250, reversed), large = PlanningBytes(1000, reversed);
        // Four times the stages: about four times the bytes when linear; sixteen when quadratic.
        double ratio = (double)large / small;
        Assert.True(ratio < 6, $"250 stages: {small} B, 1000 stages: {large} B (ratio {ratio:0.0})");
    }

    [Fact]
    public void APipelinePastTheStageLimitIsRefused()
    {
        var e = Assert.Throws<ConvStreamException>(() => PipelineFile.Parse(Chain(PipelineFile.MaxStages + 1), "huge.json", "."));
        Assert.Equal($"huge.json: 'stages' has {PipelineFile.MaxStages + 1} stages; the limit is {PipelineFile.MaxStages} (each stage runs on its own thread)", e.Message);
        PipelineFile.Parse(Chain(PipelineFile.MaxStages), "ok.json", "."); // the limit itself is allowed
    }
}
