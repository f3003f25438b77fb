using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;

namespace ConvStream.Engine.Tests.Imaging;

/// <summary>
/// Finds the committed image fixtures (made by Fixtures/png/make_png_fixtures.py) from the test
/// binary's folder by walking up to the source tree, so no project file needs to copy them.
/// </summary>
internal static class ImagingFixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "ConvStream.Engine.Tests", "Fixtures");
            if (Directory.Exists(Path.Combine(candidate, "png"))) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/ConvStream.Engine.Tests/Fixtures not found above {AppContext.BaseDirectory}");
    });

    public static string Fixture(string folder, string file) => System.IO.Path.Combine(Root.Value, folder, file);

    /// <summary>Asserts that <paramref name="frame"/> has the expected array's shape, dtype and every value.</summary>
    public static void AssertEqual(NpyArray expected, Frame frame, string what)
    {
        int[] shape = frame.Channels == 1 ? [frame.Height, frame.Width] : [frame.Height, frame.Width, frame.Channels];
        Assert.True(expected.Shape.SequenceEqual(shape), $"{what}: shape ({string.Join(",", shape)}), expected ({string.Join(",", expected.Shape)})");
        Assert.Equal(NpyDType.UInt8, expected.DType);
        Assert.Equal(PixelDepth.U8, frame.Depth);
        byte[] actual = frame.ToPacked();
        for (int i = 0; i < actual.Length; i++)
            if (actual[i] != expected.Data[i])
            {
                int c = i % frame.Channels, x = i / frame.Channels % frame.Width, y = i / frame.Channels / frame.Width;
                Assert.Fail($"{what}: pixel (x={x}, y={y}) channel {c} is {actual[i]}, OpenCV decodes {expected.Data[i]}");
            }
    }

    /// <summary>A temporary folder deleted at dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder() => Directory.CreateDirectory(FullName);
        public string FullName { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "convstream-imaging-" + Guid.NewGuid().ToString("N"));
        public string File(string name) => System.IO.Path.Combine(FullName, name);
        public void Dispose() { try { Directory.Delete(FullName, recursive: true); } catch (IOException) { } }
    }

    /// <summary>A frame of seeded random samples with a smooth band (so every PNG filter gets picked somewhere).</summary>
    public static Frame RandomFrame(int width, int height, int channels, int seed)
    {
        var rng = new Random(seed);
        var f = new Frame(width, height, channels);
        for (int y = 0; y < height; y++)
        {
            var row = f.RowSpan(y);
            for (int i = 0; i < row.Length; i++)
                row[i] = i < row.Length / 3 ? (byte)(i / channels * 3 + y * 2) : (byte)rng.Next(256);
        }
        return f;
    }
}
