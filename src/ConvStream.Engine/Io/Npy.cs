using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Io;

/// <summary>
/// Reads and writes NumPy's .npy format (versions 1.0, 2.0, 3.0): float32, float64, uint8, int16,
/// int32, C order, little endian. Anything else (Fortran order, big endian, object, complex,
/// truncated data) is a <see cref="ConvStreamException"/> that names the file.
/// </summary>
public static partial class Npy
{
    // Spelled as bytes: in a u8 literal "\x93" is U+0093, which UTF-8 encodes as two bytes (C2 93).
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file as a float32 tensor (float32, float64, uint8, int16 and int32 arrays are converted).</summary>
    public static Tensor ReadTensor(string path) => Read(path).ToTensor();

    /// <summary>Reads a .npy file (format 1.0, 2.0 or 3.0) with its dtype and shape.</summary>
    public static NpyArray Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException e) { throw new ConvStreamException($"{path}: file not found", e); }
        catch (DirectoryNotFoundException e) { throw new ConvStreamException($"{path}: file not found", e); }
        catch (IOException e) { throw new ConvStreamException($"{path}: cannot read ({e.Message})", e); }
        catch (UnauthorizedAccessException e) { throw new ConvStreamException($"{path}: permission denied", e); }
        return Parse(bytes, path);
    }

    /// <summary>Parses a whole .npy file held in memory; <paramref name="name"/> appears in errors.</summary>
    public static NpyArray Parse(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw new ConvStreamException($"{name}: not a .npy file (no \\x93NUMPY magic)");
        int major = bytes[6], minor = bytes[7];
        int headerLen, headerStart;
        switch (major)
        {
            case 1:
                headerLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
                headerStart = 10;
                break;
            case 2 or 3:
                if (bytes.Length < 12) throw new ConvStreamException($"{name}: truncated .npy header");
                uint len = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
                if (len > int.MaxValue) throw new ConvStreamException($"{name}: .npy header length {len} is absurd");
                headerLen = (int)len;
                headerStart = 12;
                break;
            default:
                throw new ConvStreamException($"{name}: .npy format version {major}.{minor} is not supported (expected 1.0, 2.0 or 3.0)");
        }
        if (headerStart + headerLen > bytes.Length) throw new ConvStreamException($"{name}: truncated .npy header");
        var enc = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        string header = enc.GetString(bytes.Slice(headerStart, headerLen));

        string descr = Field(header, DescrRegex(), name, "descr");
        string fortran = Field(header, FortranRegex(), name, "fortran_order");
        string shapeText = Field(header, ShapeRegex(), name, "shape");

        if (fortran == "True")
            throw new ConvStreamException($"{name}: Fortran-order arrays are not supported; save with numpy.ascontiguousarray (C order)");
        var dtype = ParseDescr(descr, name);

        var shapeParts = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[shapeParts.Length];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (!int.TryParse(shapeParts[i].TrimEnd('L'), out shape[i]) || shape[i] < 0)
                throw new ConvStreamException($"{name}: bad shape '({shapeText})' in .npy header");
            count *= shape[i];
        }
        long need = count * dtype.Size();
        int dataStart = headerStart + headerLen;
        long have = bytes.Length - dataStart;
        if (have < need)
            throw new ConvStreamException($"{name}: truncated .npy data: shape ({shapeText}) of {descr} needs {need} bytes but the file has {have}");
        if (need > int.MaxValue) throw new ConvStreamException($"{name}: array too large ({need} bytes)");
        return new NpyArray(dtype, shape, bytes.Slice(dataStart, (int)need).ToArray());
    }

    private static NpyDType ParseDescr(string descr, string name)
    {
        if (descr.Length >= 2 && descr[0] == '>' && descr[1..] is not ("u1" or "i1"))
            throw new ConvStreamException($"{name}: big-endian dtype '{descr}' is not supported; expected little endian (<f4, <f8, |u1, <i2, <i4)");
        return descr switch
        {
            "<f4" or "=f4" => NpyDType.Float32,
            "<f8" or "=f8" => NpyDType.Float64,
            "|u1" or "<u1" or "=u1" or ">u1" => NpyDType.UInt8,
            "<i2" or "=i2" => NpyDType.Int16,
            "<i4" or "=i4" => NpyDType.Int32,
            _ when descr.Contains('O') => throw new ConvStreamException($"{name}: object arrays ('{descr}') are not supported; expected float32, float64, uint8, int16 or int32"),
            _ when descr.Contains('c') => throw new ConvStreamException($"{name}: complex dtype '{descr}' is not supported; expected float32, float64, uint8, int16 or int32"),
            _ => throw new ConvStreamException($"{name}: dtype '{descr}' is not supported; expected float32, float64, uint8, int16 or int32"),
        };
    }

    private static string Field(string header, Regex regex, string name, string field)
    {
        var m = regex.Match(header);
        if (!m.Success) throw new ConvStreamException($"{name}: .npy header has no valid '{field}' ({header.Trim()})");
        return m.Groups[1].Value;
    }

    /// <summary>Writes a tensor as a float32 .npy file (atomically: a temporary file moved into place).</summary>
    public static void Write(string path, Tensor t) => Write(path, NpyArray.FromTensor(t));

    /// <summary>
    /// Writes version 1.0 when the header fits in 64 KiB (2.0 otherwise). The file is written to a
    /// temporary name beside the target and renamed when complete, so no half-written file is left.
    /// </summary>
    public static void Write(string path, NpyArray array)
    {
        string shape = array.Shape.Length switch
        {
            0 => "()",
            1 => $"({array.Shape[0]},)",
            _ => "(" + string.Join(", ", array.Shape) + ")",
        };
        string dict = $"{{'descr': '{array.DType.Descr()}', 'fortran_order': False, 'shape': {shape}, }}";
        // Header (magic + version + length + dict + '\n') is padded with spaces to a multiple of 64.
        int prefix = 10;
        int total = prefix + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        bool v2 = padded - prefix > ushort.MaxValue;
        if (v2) { prefix = 12; total = prefix + dict.Length + 1; padded = (total + 63) / 64 * 64; }
        string header = dict + new string(' ', padded - total) + "\n";

        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.WriteByte(v2 ? (byte)2 : (byte)1);
            stream.WriteByte(0);
            Span<byte> len = stackalloc byte[4];
            if (v2) { BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length); stream.Write(len); }
            else { BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length); stream.Write(len[..2]); }
            stream.Write(Encoding.Latin1.GetBytes(header));
            stream.Write(array.Data);
        });
    }

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([^'""]*)['""]")]
    private static partial Regex DescrRegex();
    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex FortranRegex();
    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
