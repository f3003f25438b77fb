using ConvStream.Engine.Ops;
using ConvStream.Engine.Ops.Conv;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>The preallocated-output overloads: shape checks with clear errors, reuse, and no allocation per call.</summary>
public class Conv2dOutputTests
{
    private static readonly Random Rng = new(21);

    [Fact]
    public void WrongOutputShape_IsAClearError()
    {
        var input = Conv2dCase.Random(Rng, 3, 5, 5);
        var weight = Conv2dCase.Random(Rng, 2, 3, 3, 3);
        var ex = Assert.Throws<ConvStreamException>(() => Conv2d.Forward(input, weight, null, new Conv2dOptions(), Tensor.Zeros(2, 3, 4)));
        Assert.Equal("conv2d output must have shape (2,3,3) for input (3,5,5) but has shape (2,3,4)", ex.Message);
        // Same element count, wrong rank: still refused (the batch convention must match the input's).
        ex = Assert.Throws<ConvStreamException>(() => Conv2d.Forward(input, weight, null, new Conv2dOptions(), Tensor.Zeros(1, 2, 3, 3)));
        Assert.Contains("must have shape (2,3,3)", ex.Message);
    }

    [Fact]
    public void OutputSharingTheInput_IsRefused()
    {
        var input = Conv2dCase.Random(Rng, 2, 4, 4);
        var weight = Conv2dCase.Random(Rng, 2, 2, 1, 1);
        var ex = Assert.Throws<ConvStreamException>(() => Conv2d.Forward(input, weight, null, new Conv2dOptions(), input));
        Assert.Contains("must not share memory with the input", ex.Message);
    }

    [Fact]
    public void BadWeightOrBias_IsAClearErrorFromThePlan()
    {
        var ex = Assert.Throws<ConvStreamException>(() => new Conv2dPlan(Tensor.Zeros(4, 3, 3), null, new Conv2dOptions()));
        Assert.Contains("weight must be (Cout, Cin/groups, KH, KW)", ex.Message);
        ex = Assert.Throws<ConvStreamException>(() => new Conv2dPlan(Tensor.Zeros(4, 3, 3, 3), Tensor.Zeros(3), new Conv2dOptions()));
        Assert.Equal("bias must have 4 values (one per output channel) but has shape (3)", ex.Message);
        var plan = new Conv2dPlan(Tensor.Zeros(4, 3, 3, 3), null, new Conv2dOptions());
        ex = Assert.Throws<ConvStreamException>(() => plan.Forward(Tensor.Zeros(2, 8, 8)));
        Assert.Equal("weight expects 3 input channels but the input has 2", ex.Message);
    }

    [Fact]
    public void PlanReusedOnManyInputs_WritesWhatTheReferenceSays()
    {
        var weight = Conv2dCase.Random(Rng, 8, 3, 3, 3);
        var bias = Conv2dCase.Random(Rng, 8);
        var options = new Conv2dOptions { Padding = 1, Relu = true, Border = Geometry.BorderMode.Replicate };
        var plan = new Conv2dPlan(weight, bias, options);
        foreach (var (h, w) in new[] { (5, 9), (17, 40), (5, 9) })
        {
            var input = Conv2dCase.Random(Rng, 3, h, w);
            var output = Tensor.Zeros(8, h, w);
            output.Span.Fill(float.NaN); // every element must be written
            plan.Forward(input, output);
            var c = new Conv2dCase(input, weight, bias, options);
            Conv2dAssert.Close(c, Conv2dReference.Forward(input, weight, bias, options), output, $"{h}x{w}");
        }
    }

    [Fact]
    public void PlanInSteadyState_AllocatesOnlyBookkeeping()
    {
        // The 1080p figure that matters is 0 bytes of buffers: scratch comes from ScratchArena.
        // What remains per call is a few small objects (the band job and its delegate).
        var input = Conv2dCase.Random(Rng, 16, 64, 128);
        var output = Tensor.Zeros(16, 64, 128);
        foreach (var (weight, options) in new[]
        {
            (Conv2dCase.Random(Rng, 16, 16, 3, 3), new Conv2dOptions { Padding = 1, Border = Geometry.BorderMode.Reflect }),
            (Conv2dCase.Random(Rng, 16, 16, 1, 1), new Conv2dOptions()),
            (Conv2dCase.RankOne(Rng, 16, 7, 7), new Conv2dOptions { Padding = 3, Groups = 16 }),
            (Conv2dCase.Random(Rng, 16, 1, 5, 5), new Conv2dOptions { Padding = 2, Groups = 16 }),
        })
        {
            var plan = new Conv2dPlan(weight, null, options, Conv2dSettings.Of(Simd.Simd.Hardware, 1));
            for (int i = 0; i < 3; i++) plan.Forward(input, output);
            // Steady state: the least of three windows of 10 calls. A one-off (the runtime's own work on
            // this thread, e.g. tiering a method) lands in one window; a per-call allocation is in all three.
            long perCall = long.MaxValue;
            for (int window = 0; window < 3; window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 10; i++) plan.Forward(input, output);
                perCall = Math.Min(perCall, (GC.GetAllocatedBytesForCurrentThread() - before) / 10);
            }
            Assert.True(perCall < 512, $"{plan.Path} allocated {perCall} bytes per call");
        }
    }
}
