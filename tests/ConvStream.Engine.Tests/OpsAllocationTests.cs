using ConvStream.Engine.Ops;
using ConvStream.Engine.Simd;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>
/// In steady state a pooling or transposed-convolution call into a preallocated output allocates
/// nothing (its scratch is a lease on the thread's ScratchArena), on one thread.
/// </summary>
public sealed class OpsAllocationTests
{
    private static long Allocated(Action call)
    {
        for (int i = 0; i < 3; i++) call(); // warm the pool and the JIT
        // The least of three windows of 10 calls: a one-off on this thread (the runtime tiering a
        // method) lands in one window; an allocation per call is in all three.
        long least = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) call();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }

    [Fact]
    public void PreallocatedCallsAllocateNothing()
    {
        var one = new ExecutionSettings { Threads = 1 };
        var rng = new Random(1);
        var x = TensorAssert.Random(rng, 1, 4, 64, 96);
        var pooled = Tensor.Zeros(1, 4, 32, 48);
        var pair = new Pool2dOptions { Kernel = 2 };
        var general = new Pool2dOptions { Kernel = 3, Stride = 2, Padding = 1, CeilMode = true };
        var generalOut = Tensor.Zeros(Pool2d.OutputShape(x, general));
        Assert.True(Allocated(() => Pool2d.Max(x, pair, pooled, one)) is var a1 && a1 == 0, $"max pool 2x2 allocated {a1} bytes");
        Assert.True(Allocated(() => Pool2d.Average(x, pair, pooled, one)) is var a2 && a2 == 0, $"avg pool 2x2 allocated {a2} bytes");
        Assert.True(Allocated(() => Pool2d.Max(x, general, generalOut, one)) is var a3 && a3 == 0, $"general max pool allocated {a3} bytes");
        Assert.True(Allocated(() => Pool2d.Average(x, general, generalOut, one)) is var a4 && a4 == 0, $"general avg pool allocated {a4} bytes");

        var w = TensorAssert.Random(rng, 4, 3, 2, 2);
        var b = TensorAssert.Random(rng, 3);
        var up = Tensor.Zeros(1, 3, 128, 192);
        var stride2 = new ConvTranspose2dOptions { Stride = 2 };
        Assert.True(Allocated(() => ConvTranspose2d.Forward(x, w, b, stride2, up, one)) is var a5 && a5 == 0, $"conv_transpose2d allocated {a5} bytes");
    }
}
