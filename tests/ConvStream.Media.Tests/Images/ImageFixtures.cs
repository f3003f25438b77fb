using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;

namespace ConvStream.Media.Tests.Images;

/// <summary>
/// Finds the committed image fixtures (made by Fixtures/png/make_png_fixtures.py with Debian's
/// python3-opencv) from the test binary's folder by walking up to the source tree.
/// </summary>
internal static class ImageFixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "ConvStream.Media.Tests", "Fixtures");
            if (Directory.Exists(Path.Combine(candidate, "png"))) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/ConvStream.Media.Tests/Fixtures not found above {AppContext.BaseDirectory}");
    });

    public static string Fixture(string folder, string file) => Path.Combine(Root.Value, folder, file);

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

    /// <summary>A photo-like frame: smooth gradients and edges plus seeded noise (what JPEG/WebP are made for).</summary>
    public static Frame PhotoLike(int width, int height, int channels, int seed)
    {
        var rng = new Random(seed);
        var f = new Frame(width, height, channels);
        for (int y = 0; y < height; y++)
        {
            var row = f.RowSpan(y);
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                {
                    double v = 128 + 90 * Math.Sin((x * (c + 1) + y * 2) * 0.05) + (((x / 16) + (y / 16)) % 2 == 0 ? 20 : -20) + rng.Next(-6, 7);
                    row[x * channels + c] = (byte)Math.Clamp((int)v, 0, 255);
                }
        }
        return f;
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

    /// <summary>A temporary folder deleted at dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder() => Directory.CreateDirectory(FullName);
        public string FullName { get; } = Path.Combine(Path.GetTempPath(), "convstream-images-" + Guid.NewGuid().ToString("N"));
        public string File(string name) => Path.Combine(FullName, name);
        public void Dispose() { try { Directory.Delete(FullName, recursive: true); } catch (IOException) { } }
    }
}
