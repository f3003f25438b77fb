using System.Buffers.Binary;
using System.Text;
using ConvStream.Engine.Io;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Tests;

/// <summary>
/// .npy read/write: files written by real NumPy (Fixtures/numpy, made by make_npy_fixtures.py) in
/// every supported dtype and format version, round trips through our writer, and every refusal.
/// </summary>
public sealed class NpyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("convstream-npy-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "numpy", name);

    public static TheoryData<string, NpyDType, int> GoodFiles()
    {
        var data = new TheoryData<string, NpyDType, int>();
        foreach (var (tag, dtype) in new[] { ("float32", NpyDType.Float32), ("float64", NpyDType.Float64), ("uint8", NpyDType.UInt8), ("int16", NpyDType.Int16), ("int32", NpyDType.Int32) })
            foreach (int version in new[] { 1, 2, 3 })
                data.Add($"good_{tag}_v{version}.npy", dtype, version);
        return data;
    }

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void ReadsWhatNumPyWrites(string file, NpyDType dtype, int version)
    {
        Assert.Equal(version, File.ReadAllBytes(Fixture(file))[6]);
        var a = Npy.Read(Fixture(file));
        Assert.Equal(dtype, a.DType);
        Assert.Equal([2, 3], a.Shape);
        var t = a.ToTensor();
        Assert.Equal([0f, 1, 2, 3, 4, 5], t.Span.ToArray());
    }

    [Fact]
    public void ReadsScalarsAndVectors()
    {
        var s = Npy.Read(Fixture("good_scalar_f4.npy"));
        Assert.Empty(s.Shape);
        Assert.Equal(2.5f, s.ToTensor()[0]);
        Assert.Equal([-7f, 0f, 7f], Npy.ReadTensor(Fixture("good_1d_i4.npy")).Span.ToArray());
    }

    [Fact]
    public void RoundTripsEveryDType()
    {
        var arrays = new[]
        {
            NpyArray.FromFloat32([1.5f, -2.25f, float.MaxValue, float.Epsilon, float.NegativeInfinity, 0f], 2, 3),
            new NpyArray(NpyDType.Float64, [3], BytesOf([Math.PI, -1e300, double.Epsilon])),
            NpyArray.FromBytes([0, 127, 255, 1], 2, 2),
            NpyArray.FromInt16([short.MinValue, -1, 0, short.MaxValue], 4),
            new NpyArray(NpyDType.Int32, [1, 1, 2], BytesOf([int.MinValue, int.MaxValue])),
        };
        foreach (var a in arrays)
        {
            string path = Path.Combine(_dir, $"{a.DType}.npy");
            Npy.Write(path, a);
            var b = Npy.Read(path);
            Assert.Equal(a.DType, b.DType);
            Assert.Equal(a.Shape, b.Shape);
            Assert.Equal(a.Data, b.Data);
            byte[] raw = File.ReadAllBytes(path);
            Assert.Equal(1, raw[6]);
            int headerEnd = 10 + BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(8));
            Assert.Equal(0, headerEnd % 64); // numpy aligns the data to 64 bytes
            Assert.Equal((byte)'\n', raw[headerEnd - 1]);
        }
        var t = new Tensor([1f, 2f, 3f, 4f, 5f, 6f], 1, 2, 3);
        string tp = Path.Combine(_dir, "t.npy");
        Npy.Write(tp, t);
        var back = Npy.ReadTensor(tp);
        Assert.Equal(t.Shape.ToArray(), back.Shape.ToArray());
        Assert.Equal(t.Span.ToArray(), back.Span.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ParsesHeadersOfEachVersionBuiltByHand(int version)
    {
        byte[] file = Build(version, "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", BytesOf(new short[] { -5, 6, 300 }));
        var a = Npy.Parse(file, "hand.npy");
        Assert.Equal([-5f, 6f, 300f], a.ToTensor().Span.ToArray());
    }

    [Theory]
    [InlineData("bad_fortran.npy", "Fortran-order arrays are not supported")]
    [InlineData("bad_bigendian.npy", "big-endian dtype '>f4' is not supported")]
    [InlineData("bad_object.npy", "object arrays ('|O') are not supported")]
    [InlineData("bad_complex.npy", "complex dtype '<c8' is not supported")]
    [InlineData("bad_int64.npy", "dtype '<i8' is not supported")]
    public void RefusesWhatItCannotRepresent(string file, string message)
    {
        var e = Assert.Throws<ConvStreamException>(() => Npy.Read(Fixture(file)));
        Assert.Contains(message, e.Message);
        Assert.StartsWith(Fixture(file), e.Message);
    }

    [Fact]
    public void TruncatedHeaderDataBadMagicAndMissingFileAreClearErrors()
    {
        byte[] good = File.ReadAllBytes(Fixture("good_float32_v1.npy"));
        string truncatedData = Write("data.npy", good[..^3]);
        Assert.Contains("truncated .npy data: shape (2, 3) of <f4 needs 24 bytes but the file has 21", Assert.Throws<ConvStreamException>(() => Npy.Read(truncatedData)).Message);
        string truncatedHeader = Write("header.npy", good[..40]);
        Assert.Contains("truncated .npy header", Assert.Throws<ConvStreamException>(() => Npy.Read(truncatedHeader)).Message);
        string tiny = Write("tiny.npy", good[..5]);
        Assert.Contains("not a .npy file", Assert.Throws<ConvStreamException>(() => Npy.Read(tiny)).Message);
        var bad = (byte[])good.Clone();
        bad[1] = (byte)'X';
        string badMagic = Write("magic.npy", bad);
        Assert.Equal($"{badMagic}: not a .npy file (no \\x93NUMPY magic)", Assert.Throws<ConvStreamException>(() => Npy.Read(badMagic)).Message);
        var v9 = (byte[])good.Clone();
        v9[6] = 9;
        Assert.Contains("format version 9.0 is not supported", Assert.Throws<ConvStreamException>(() => Npy.Read(Write("v9.npy", v9))).Message);
        string missing = Path.Combine(_dir, "missing.npy");
        Assert.Equal($"{missing}: file not found", Assert.Throws<ConvStreamException>(() => Npy.Read(missing)).Message);
        Assert.Equal($"{Path.Combine(_dir, "nodir", "x.npy")}: file not found",
            Assert.Throws<ConvStreamException>(() => Npy.Read(Path.Combine(_dir, "nodir", "x.npy"))).Message);
        byte[] noShape = Build(1, "{'descr': '<f4', 'fortran_order': False, }", []);
        Assert.Contains("no valid 'shape'", Assert.Throws<ConvStreamException>(() => Npy.Parse(noShape, "x.npy")).Message);
    }

    [Fact]
    public void AFailedWriteLeavesNoFileBehind()
    {
        string path = Path.Combine(_dir, "out.npy");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new InvalidOperationException("boom"); }));
        Assert.Empty(Directory.GetFiles(_dir));
        Assert.Contains("output folder", Assert.Throws<ConvStreamException>(() => Npy.Write(Path.Combine(_dir, "no", "x.npy"), new Tensor([1f], 1))).Message);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] BytesOf<T>(T[] values) where T : struct => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>A .npy file as the format documents it: magic, version, header length (2 bytes in 1.0, 4 after), header, data.</summary>
    private static byte[] Build(int version, string dict, byte[] data)
    {
        int prefix = version == 1 ? 10 : 12;
        int total = prefix + dict.Length + 1;
        string header = dict + new string(' ', (total + 63) / 64 * 64 - total) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.Add((byte)version);
        bytes.Add(0);
        if (version == 1) bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        else bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange((version == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }
}
