using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;
using ConvStream.Stages;

namespace ConvStream.Engine.Tests.Memory;

/// <summary>Measures process-wide allocation (the band workers' too), so nothing else may run meanwhile.</summary>
[CollectionDefinition(nameof(SteadyStateAllocationTests), DisableParallelization = true)]
public sealed class SteadyStateAllocationCollection;

/// <summary>
/// After warm-up, a call allocates nothing but its outputs on 1 and on 2 threads: every buffer is
/// a lease on the scratch arena of the thread that runs the band (the caller or a band worker).
/// Process-wide bytes (<see cref="GC.GetTotalAllocatedBytes"/>), so a band worker's allocation counts.
/// </summary>
[Collection(nameof(SteadyStateAllocationTests))]
public sealed class SteadyStateAllocationTests
{
    private static readonly Random Rng = new(9);

    private const int Calls = 5, Windows = 60;

    /// <summary>
    /// After 50 warm-up calls, windows of <see cref="Calls"/> calls: the least the calling thread
    /// allocated in one (exact), and the least the whole process did (the band workers included),
    /// measuring until a window reads 0 (at most <see cref="Windows"/>). The test host's own
    /// threads allocate now and then (a 168-byte message), so a window may read more, the more
    /// often the slower the machine; a per-call allocation is in every window.
    /// </summary>
    private static (long Caller, long Process) Measure(Action call)
    {
        for (int i = 0; i < 50; i++) call(); // the JIT, the band workers' arenas and the job pools warm up
        long caller = long.MaxValue, process = long.MaxValue;
        for (int window = 0; window < Windows && (caller | process) != 0; window++)
        {
            long mine = GC.GetAllocatedBytesForCurrentThread(), all = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < Calls; i++) call();
            process = Math.Min(process, GC.GetTotalAllocatedBytes(precise: true) - all);
            caller = Math.Min(caller, GC.GetAllocatedBytesForCurrentThread() - mine);
        }
        return (caller, process);
    }

    /// <summary>Nothing allocated: some window of <see cref="Calls"/> calls allocated 0 bytes on the calling thread and 0 in the whole process.</summary>
    private static void AssertNothing(Action call, string what)
    {
        var (caller, process) = Measure(call);
        Assert.True(caller == 0, $"{what} allocated at least {caller} bytes on the calling thread in every window of {Calls} calls");
        Assert.True(process == 0, $"{what} allocated at least {process} bytes process-wide in every window of {Calls} calls");
    }

    private static ExecutionSettings On(int threads) => new() { Threads = threads };

    /// <summary>What a float array of <paramref name="length"/> costs on the heap (64-bit: header, method table, length).</summary>
    private static long ArrayBytes(int length) => 24 + 4L * length;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Conv2dPlansAllocateNothing(int threads)
    {
        var input = Conv2dCase.Random(Rng, 16, 64, 128);
        var output = Tensor.Zeros(16, 64, 128);
        foreach (var (weight, options, path) in new[]
        {
            (Conv2dCase.Random(Rng, 16, 16, 3, 3), new Conv2dOptions { Padding = 1, Border = Geometry.BorderMode.Reflect }, Conv2dPath.Winograd4x4),
            (Conv2dCase.Random(Rng, 16, 8, 3, 3), new Conv2dOptions { Padding = 1, Groups = 2 }, Conv2dPath.Direct),
            (Conv2dCase.Random(Rng, 16, 16, 1, 1), new Conv2dOptions(), Conv2dPath.Pointwise),
            (Conv2dCase.RankOne(Rng, 16, 7, 7), new Conv2dOptions { Padding = 3, Groups = 16 }, Conv2dPath.Separable),
            (Conv2dCase.Random(Rng, 16, 1, 5, 5), new Conv2dOptions { Padding = 2, Groups = 16 }, Conv2dPath.Depthwise),
        })
        {
            var plan = new Conv2dPlan(weight, null, options, On(threads));
            Assert.Equal(path, plan.Path);
            AssertNothing(() => plan.Forward(input, output), $"{plan.Path} on {threads} thread(s)");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void OneShotConvTranspose2dAllocatesNothing(int threads)
    {
        var x = TensorAssert.Random(Rng, 1, 8, 48, 64);
        var w = TensorAssert.Random(Rng, 8, 4, 3, 3);
        var b = TensorAssert.Random(Rng, 4);
        var o = new ConvTranspose2dOptions { Stride = 2, Padding = 1, OutputPadding = 1 };
        var y = Tensor.Zeros(ConvTranspose2d.OutputShape(x, w, b, o));
        var settings = On(threads);
        AssertNothing(() => ConvTranspose2d.Forward(x, w, b, o, y, settings), $"conv-transpose2d on {threads} thread(s)");
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    public void BackwardAllocatesOnlyItsGradients(int threads, bool relu)
    {
        var x = TensorAssert.Random(Rng, 2, 4, 40, 56);
        var w = TensorAssert.Random(Rng, 6, 2, 3, 3);
        var b = TensorAssert.Random(Rng, 6);
        var o = new Conv2dOptions { Padding = 1, Groups = 2, Border = Geometry.BorderMode.Reflect, Relu = relu };
        var g = TensorAssert.Random(Rng, Conv2dShape.Resolve(x, w, b, o).OutputShape(4));
        var settings = On(threads);
        long bytes = Measure(() => Conv2dBackward.Backward(x, w, b, g, o, settings)).Process / Calls;
        // The three gradient arrays; with ReLU also the forward output its mask is read from.
        long gradients = ArrayBytes(x.Length) + ArrayBytes(w.Length) + ArrayBytes(b.Length) + (relu ? ArrayBytes(g.Length) : 0);
        // The rest is bookkeeping: the tensor objects and their shapes, the one-shot forward's plan object.
        Assert.True(bytes >= gradients && bytes - gradients < 1024,
            $"backward on {threads} thread(s){(relu ? " with ReLU" : "")} allocated {bytes} bytes per call, {bytes - gradients} beyond its gradients");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SeparableAndSlidingWindowFiltersAllocateNothing(int threads)
    {
        var input = Filters.Separable.SeparableEngineTests.RandomFrame(new Random(4), 320, 180, 3);
        var settings = On(threads);
        foreach (var stage in new[] { "gaussian:size=5,sigma=0", "sobel:dx=1,dy=0", "box:size=3", "laplacian:size=5,depth=f32", "sobel:size=7", "sobel-magnitude", "maxpool", "avgpool" })
        {
            var filter = StageRegistry.Create(stage, settings: settings);
            var output = filter.OutputFormat(new[] { FrameFormat.Of(input) }).Allocate();
            var inputs = new[] { input };
            AssertNothing(() => filter.Apply(inputs, output), $"{stage} on {threads} thread(s)");
        }
    }
}
