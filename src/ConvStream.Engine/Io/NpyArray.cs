using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ConvStream.Engine.Tensors;

namespace ConvStream.Engine.Io;

/// <summary>An n-dimensional array as stored in a .npy file: element type, shape and little-endian bytes in C order.</summary>
public sealed class NpyArray
{
    public NpyArray(NpyDType dtype, int[] shape, byte[] data)
    {
        DType = dtype;
        Shape = shape;
        Data = data;
        long n = 1;
        foreach (int d in shape) n *= d;
        if (data.Length != n * dtype.Size())
            throw new ConvStreamException($"array of shape {Tensor.ShapeString(shape)} and dtype {dtype} needs {n * dtype.Size()} bytes but has {data.Length}");
        Count = n;
    }

    public NpyDType DType { get; }
    public int[] Shape { get; }
    public byte[] Data { get; }
    public long Count { get; }

    /// <summary>Converts any supported dtype to a float32 tensor of the same shape.</summary>
    public Tensor ToTensor()
    {
        var f = new float[Count];
        switch (DType)
        {
            case NpyDType.Float32:
                MemoryMarshal.Cast<byte, float>(Data).CopyTo(f);
                break;
            case NpyDType.Float64:
                {
                    var src = MemoryMarshal.Cast<byte, double>(Data);
                    for (int i = 0; i < f.Length; i++) f[i] = (float)src[i];
                    break;
                }
            case NpyDType.UInt8:
                for (int i = 0; i < f.Length; i++) f[i] = Data[i];
                break;
            case NpyDType.Int16:
                {
                    var src = MemoryMarshal.Cast<byte, short>(Data);
                    for (int i = 0; i < f.Length; i++) f[i] = src[i];
                    break;
                }
            case NpyDType.Int32:
                {
                    var src = MemoryMarshal.Cast<byte, int>(Data);
                    for (int i = 0; i < f.Length; i++) f[i] = src[i];
                    break;
                }
        }
        return new Tensor(f, Shape.Length == 0 ? [] : Shape);
    }

    public static NpyArray FromTensor(Tensor t)
        => new(NpyDType.Float32, t.Shape.ToArray(), MemoryMarshal.AsBytes(t.Span).ToArray());

    public static NpyArray FromBytes(ReadOnlySpan<byte> values, params int[] shape) => new(NpyDType.UInt8, shape, values.ToArray());
    public static NpyArray FromInt16(ReadOnlySpan<short> values, params int[] shape) => new(NpyDType.Int16, shape, MemoryMarshal.AsBytes(values).ToArray());
    public static NpyArray FromFloat32(ReadOnlySpan<float> values, params int[] shape) => new(NpyDType.Float32, shape, MemoryMarshal.AsBytes(values).ToArray());

    public ReadOnlySpan<T> As<T>() where T : struct => MemoryMarshal.Cast<byte, T>(Data);

    static NpyArray()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ConvStream needs a little-endian CPU");
        _ = BinaryPrimitives.ReverseEndianness(0);
    }
}
