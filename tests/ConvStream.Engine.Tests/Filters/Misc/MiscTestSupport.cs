using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;
using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Tests.Filters.Misc;

internal static class MiscTestSupport
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string FixtureDir => Path.Combine(AppContext.BaseDirectory, "Fixtures", "opencv", "misc");

    public static string KernelDir => Path.Combine(RepoRoot, "filters", "kernels");

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (Directory.Exists(Path.Combine(d.FullName, "filters", "kernels")) && File.Exists(Path.Combine(d.FullName, "ConvStream.sln")))
                return d.FullName;
        throw new InvalidOperationException("repository root (with filters/kernels and ConvStream.sln) not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A uint8/int16/float32 array of shape (H,W) or (H,W,C) as a frame.</summary>
    public static Frame ToFrame(NpyArray a)
    {
        int h = a.Shape[0], w = a.Shape[1], c = a.Shape.Length == 3 ? a.Shape[2] : 1;
        var depth = a.DType switch
        {
            NpyDType.UInt8 => PixelDepth.U8,
            NpyDType.Int16 => PixelDepth.S16,
            NpyDType.Float32 => PixelDepth.F32,
            _ => throw new InvalidOperationException($"fixture dtype {a.DType} is not a frame depth"),
        };
        var f = new Frame(w, h, c, depth);
        f.CopyFromPacked(a.Data);
        return f;
    }

    public static Frame Run(IFrameFilter filter, params Frame[] inputs)
    {
        var formats = inputs.Select(FrameFormat.Of).ToArray();
        var output = filter.OutputFormat(formats).Allocate();
        filter.Apply(inputs, output);
        return output;
    }

    /// <summary>Runs <paramref name="body"/> with the settings of every SIMD level the machine has, with 1 and 2 threads.</summary>
    public static void ForEachPath(Action<SimdLevel, int, ExecutionSettings> body)
    {
        foreach (var l in Simd.Simd.Supported)
            foreach (int t in new[] { 1, 2 })
                body(l, t, Settings(l, t));
    }

    public static ExecutionSettings Settings(SimdLevel level, int threads) => new() { Level = level, Threads = threads, MinWorkPerTask = threads > 1 ? Conv2dSettings.SmallSplits : null };

    public static Frame RandomFrame(Random rng, int w, int h, int c, PixelDepth depth)
    {
        var f = new Frame(w, h, c, depth);
        for (int y = 0; y < h; y++)
        {
            switch (depth)
            {
                case PixelDepth.U8: rng.NextBytes(f.Row<byte>(y)); break;
                case PixelDepth.S16: { var r = f.Row<short>(y); for (int i = 0; i < r.Length; i++) r[i] = (short)rng.Next(-1100, 1100); break; }
                default: { var r = f.Row<float>(y); for (int i = 0; i < r.Length; i++) r[i] = (float)(rng.NextDouble() * 600 - 300); break; }
            }
        }
        return f;
    }

    /// <summary>Asserts two frames are identical sample for sample (bitwise for floats), naming the first difference.</summary>
    public static void AssertIdentical(Frame expected, Frame actual, string what)
    {
        Assert.True(expected.SameShape(actual), $"{what}: shape {actual.ShapeText} != {expected.ShapeText}");
        for (int y = 0; y < expected.Height; y++)
        {
            var a = expected.RowSpan(y); var b = actual.RowSpan(y);
            if (a.SequenceEqual(b)) continue;
            int i = 0; while (a[i] == b[i]) i++;
            int sample = i / expected.Depth.Size();
            Assert.Fail($"{what}: differs at row {y}, sample {sample} (x {sample / expected.Channels}, channel {sample % expected.Channels})");
        }
    }
}
