using System.Text.Json;
using ConvStream.Engine.Io;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>
/// Reads the PyTorch fixtures made by <c>Fixtures/torch/make_backward_fixtures.py</c> (copied to
/// the test output folder): each folder has a cases.json and <c>&lt;case&gt;_&lt;array&gt;.npy</c> files.
/// </summary>
public static class TorchFixtures
{
    public static string Folder(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch", name);

    public static IEnumerable<JsonElement> Cases(string folder)
    {
        string path = Path.Combine(Folder(folder), "cases.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public static Tensor Load(string folder, string caseName, string array)
        => Npy.ReadTensor(Path.Combine(Folder(folder), $"{caseName}_{array}.npy"));

    public static bool Has(string folder, string caseName, string array)
        => File.Exists(Path.Combine(Folder(folder), $"{caseName}_{array}.npy"));

    public static Geometry.Size2 Pair(JsonElement e, string field)
    {
        var a = e.GetProperty(field);
        return new Geometry.Size2(a[0].GetInt32(), a[1].GetInt32());
    }
}
