using ConvStream.Engine.Filters;
using ConvStream.Engine.Filters.Separable;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Simd;
using SimdLevels = ConvStream.Engine.Simd.Simd;
using ConvStream.Stages;

namespace ConvStream.Engine.Tests.Filters.Separable;

/// <summary>
/// The engine against the scalar reference at every SIMD level this machine has (including the
/// one-lane path) and at 1 and 2 threads, on seeded random geometries: widths around the vector
/// sizes (so the overlapping last vector and the short-row fallback both run), 1–4 channels,
/// every border, every op. Each level and thread count is a filter built with those
/// <see cref="ExecutionSettings"/>, so these tests run alongside any other.
/// </summary>
public sealed class SeparableEngineTests
{
    private static readonly string[] Stages =
    {
        "gaussian:size=5,sigma=0", "gaussian:size=9,sigma=1.5", "gaussian:size=3,sigma=0.6,border=zeros",
        "gaussian:size=7,sigma=2,sigma_y=0.8,border=circular", "gaussian:size=0,sigma=1.7,border=symmetric",
        "gaussian:size=13,sigma=0,border=replicate",
        "box:size=3", "box:size=4,border=zeros", "box:size=9,border=circular", "box:size=17,border=symmetric", "box:size=13,border=replicate",
        "box:size=5,normalize=false", "box:size=5,normalize=false,depth=s16", "box:size=6,depth=f32,border=replicate",
        "sobel:dx=1,dy=0", "sobel:dx=0,dy=1,border=zeros", "sobel:dx=1,dy=1,size=5,border=circular",
        "sobel:dx=1,dy=0,size=7", "sobel:dx=2,dy=0,size=1,border=symmetric", "sobel:dx=1,dy=0,depth=u8,delta=100",
        "sobel:dx=0,dy=1,size=3,depth=f32,scale=0.125,delta=2.5", "sobel:dx=1,dy=0,scale=3,delta=-5",
        "scharr:dx=1,dy=0", "scharr:dx=0,dy=1,border=replicate,depth=u8",
        "laplacian:size=1", "laplacian:size=3,border=zeros", "laplacian:size=5,border=circular", "laplacian:size=5,depth=f32,scale=0.5",
        "laplacian:size=3,depth=u8,delta=128",
    };

    public static TheoryData<int> Seeds()
    {
        var d = new TheoryData<int>();
        for (int i = 0; i < 40; i++) d.Add(i);
        return d;
    }

    [Theory, MemberData(nameof(Seeds))]
    public void EveryLevelAndThreadCountMatchesTheReference(int seed)
    {
        var rng = new Random(seed * 7919 + 1);
        string stage = Stages[seed % Stages.Length];
        int[] widths = { 1, 2, 7, 15, 16, 17, 31, 33, 63, 65, 100, 129 };
        int w = widths[rng.Next(widths.Length)] + (seed >= Stages.Length ? rng.Next(300) : 0);
        int h = 1 + rng.Next(seed >= Stages.Length ? 90 : 25);
        int c = new[] { 1, 3, 1, 3, 2, 4 }[rng.Next(6)];
        var input = RandomFrame(rng, w, h, c);
        var filter = (SeparableFrameFilter)StageRegistry.Create(stage);
        var format = filter.OutputFormat(new[] { FrameFormat.Of(input) });
        var expected = format.Allocate();
        filter.ApplyReference(input, expected);

        foreach (var level in SimdLevels.Supported)
            foreach (int threads in new[] { 1, 2 })
            {
                var at = StageRegistry.Create(stage, settings: new ExecutionSettings { Level = level, Threads = threads, MinWorkPerTask = threads > 1 ? Conv2dSettings.SmallSplits : null });
                var actual = format.Allocate();
                at.Apply(new[] { input }, actual);
                SeparableFixtures.AssertSame(expected, actual, $"{stage} on {w}x{h}x{c} at {level}, {threads} thread(s)", 1e-6);
            }
    }

    [Fact]
    public void TallFramesSplitIntoBandsGiveTheSameResultAsOneBand()
    {
        var rng = new Random(42);
        var input = RandomFrame(rng, 211, 240, 3);
        foreach (var stage in new[] { "gaussian:size=9,sigma=1.5", "sobel:dx=1,dy=1,size=7", "box:size=5", "laplacian:size=5" })
        {
            var filter = (SeparableFrameFilter)StageRegistry.Create(stage);
            var format = filter.OutputFormat(new[] { FrameFormat.Of(input) });
            var expected = format.Allocate();
            filter.ApplyReference(input, expected);
            foreach (int threads in new[] { 1, 2, 3, 7 })
            {
                var at = StageRegistry.Create(stage, settings: new ExecutionSettings { Threads = threads, MinWorkPerTask = threads > 1 ? Conv2dSettings.SmallSplits : null });
                var actual = format.Allocate();
                at.Apply(new[] { input }, actual);
                SeparableFixtures.AssertSame(expected, actual, $"{stage} at {threads} threads");
            }
        }
    }

    [Fact]
    public void ConcurrentCallsOnOneFilterDoNotShareScratch()
    {
        var filter = (SeparableFrameFilter)StageRegistry.Create("gaussian:size=7,sigma=1.2");
        var inputs = Enumerable.Range(0, 8).Select(i => RandomFrame(new Random(i), 160 + 16 * i, 50, 3)).ToArray();
        var expected = inputs.Select(f => { var o = f.Clone(); filter.ApplyReference(f, o); return o; }).ToArray();
        var outputs = inputs.Select(f => new Frame(f.Width, f.Height, f.Channels)).ToArray();
        for (int round = 0; round < 3; round++)
        {
            Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => filter.Apply(new[] { inputs[i] }, outputs[i]));
            for (int i = 0; i < inputs.Length; i++) SeparableFixtures.AssertSame(expected[i], outputs[i], $"frame {i}, round {round}");
        }
    }

    [Fact]
    public void SteadyStateApplyAllocatesNothingOnOneThread()
    {
        var one = new ExecutionSettings { Threads = 1 };
        var input = RandomFrame(new Random(3), 96, 16, 3);
        foreach (var stage in new[] { "gaussian:size=5,sigma=0", "sobel:dx=1,dy=0", "box:size=3", "laplacian:size=5,depth=f32", "sobel:size=7" })
        {
            var filter = StageRegistry.Create(stage, settings: one);
            var output = filter.OutputFormat(new[] { FrameFormat.Of(input) }).Allocate();
            var inputs = new[] { input };
            // Warm up past tiered compilation (its early tiers may allocate).
            for (int i = 0; i < 200; i++) filter.Apply(inputs, output);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++) filter.Apply(inputs, output);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{stage}: {allocated} bytes allocated in 5 steady-state calls");
        }
    }

    internal static Frame RandomFrame(Random rng, int w, int h, int c)
    {
        var f = new Frame(w, h, c);
        var bytes = new byte[f.RowBytes * h];
        rng.NextBytes(bytes);
        // Runs of extremes, so saturation and the largest sums are exercised too.
        for (int i = 0; i < bytes.Length; i++)
            if (i / 11 % 5 == 0) bytes[i] = (byte)(rng.Next(2) * 255);
        f.CopyFromPacked(bytes);
        return f;
    }
}
