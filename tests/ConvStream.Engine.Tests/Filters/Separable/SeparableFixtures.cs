using System.Runtime.InteropServices;
using System.Text.Json;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Io;

namespace ConvStream.Engine.Tests.Filters.Separable;

/// <summary>
/// The OpenCV 4.6 fixtures made by Fixtures/opencv/make_separable_fixtures.py: inputs, one output
/// per case, and cases.json listing each case's stage text.
/// </summary>
internal static class SeparableFixtures
{
    public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "opencv", "separable");

    public sealed record Case(int Index, string Op, string Stage, string Input, string Output, bool Exact);

    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "cases.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static IReadOnlyList<Case> Cases { get; } = LoadCases();

    private static List<Case> LoadCases()
    {
        var list = new List<Case>();
        int i = 0;
        foreach (var c in Root.GetProperty("cases").EnumerateArray())
            list.Add(new Case(i++, c.GetProperty("op").GetString()!, c.GetProperty("stage").GetString()!,
                              c.GetProperty("input").GetString()!, c.GetProperty("output").GetString()!,
                              c.GetProperty("exact").GetBoolean()));
        return list;
    }

    public static TheoryData<int> IndicesOf(string op)
    {
        var data = new TheoryData<int>();
        foreach (var c in Cases) if (c.Op == op) data.Add(c.Index);
        return data;
    }

    /// <summary>A (H,W) or (H,W,C) .npy as a frame.</summary>
    public static Frame ReadFrame(string file)
    {
        var a = Npy.Read(Path.Combine(Directory, file));
        int h = a.Shape[0], w = a.Shape[1], c = a.Shape.Length == 3 ? a.Shape[2] : 1;
        var depth = a.DType switch
        {
            NpyDType.UInt8 => PixelDepth.U8,
            NpyDType.Int16 => PixelDepth.S16,
            NpyDType.Float32 => PixelDepth.F32,
            _ => throw new InvalidDataException($"{file}: unexpected dtype {a.DType}"),
        };
        var f = new Frame(w, h, c, depth);
        f.CopyFromPacked(a.Data);
        return f;
    }

    /// <summary>Asserts two frames equal exactly, or within a relative tolerance for f32; names the first difference.</summary>
    public static void AssertSame(Frame expected, Frame actual, string what, double relativeTolerance = 0)
    {
        Assert.True(expected.SameShape(actual), $"{what}: shape {actual.ShapeText}, expected {expected.ShapeText}");
        for (int y = 0; y < expected.Height; y++)
        {
            switch (expected.Depth)
            {
                case PixelDepth.U8:
                    CompareRow(expected.Row<byte>(y), actual.Row<byte>(y), y, expected.Channels, what, 0);
                    break;
                case PixelDepth.S16:
                    CompareRow(expected.Row<short>(y), actual.Row<short>(y), y, expected.Channels, what, 0);
                    break;
                default:
                    var e = expected.Row<float>(y);
                    var a = actual.Row<float>(y);
                    for (int i = 0; i < e.Length; i++)
                    {
                        double tol = relativeTolerance * Math.Max(1, Math.Abs(e[i]));
                        if (Math.Abs(e[i] - a[i]) > tol)
                            Assert.Fail($"{what}: at y={y} x={i / expected.Channels} c={i % expected.Channels}: {a[i]}, expected {e[i]}");
                    }
                    break;
            }
        }
    }

    private static void CompareRow<T>(ReadOnlySpan<T> e, ReadOnlySpan<T> a, int y, int channels, string what, int _) where T : struct, IEquatable<T>
    {
        for (int i = 0; i < e.Length; i++)
            if (!e[i].Equals(a[i]))
                Assert.Fail($"{what}: at y={y} x={i / channels} c={i % channels}: {a[i]}, expected {e[i]}");
    }

    public static byte[] Packed(Frame f) => f.ToPacked();
    public static ReadOnlySpan<byte> Bytes(ReadOnlySpan<short> s) => MemoryMarshal.AsBytes(s);
}
