using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;

namespace ConvStream.Engine.Tests.Imaging;

/// <summary>
/// Finds the committed image fixtures (made by the Fixtures/*/make_*.py scripts) from the test
/// binary's folder by walking up to the source tree, so no project file needs to copy them.
/// </summary>
internal static class ImagingFixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "ConvStream.Engine.Tests", "Fixtures");
            if (Directory.Exists(Path.Combine(candidate, "saturate"))) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/ConvStream.Engine.Tests/Fixtures not found above {AppContext.BaseDirectory}");
    });

    public static string Fixture(string folder, string file) => System.IO.Path.Combine(Root.Value, folder, file);

    /// <summary>A temporary folder deleted at dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder() => Directory.CreateDirectory(FullName);
        public string FullName { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "convstream-imaging-" + Guid.NewGuid().ToString("N"));
        public string File(string name) => System.IO.Path.Combine(FullName, name);
        public void Dispose() { try { Directory.Delete(FullName, recursive: true); } catch (IOException) { } }
    }
}
