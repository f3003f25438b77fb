namespace ConvStream.Engine.Tensors;

/// <summary>
/// A dense float32 tensor in C (row-major) order, PyTorch's layouts: (C,H,W), (N,C,H,W) for
/// activations, (Cout, Cin/groups, KH, KW) for weights. The data array may be longer than the
/// element count (pooled arrays); only the first <see cref="Length"/> elements are meaningful.
/// </summary>
public sealed class Tensor
{
    private readonly int[] _shape;

    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        _shape = (int[])shape.Clone();
        long n = 1;
        foreach (int d in _shape)
        {
            if (d < 0) throw new ConvStreamException($"tensor shape {ShapeString(shape)} has a negative dimension");
            n *= d;
        }
        if (n > int.MaxValue) throw new ConvStreamException($"tensor shape {ShapeString(shape)} has more than 2^31 elements");
        if (data.Length < n) throw new ConvStreamException($"tensor shape {ShapeString(shape)} needs {n} elements but the data has {data.Length}");
        Data = data;
        Length = (int)n;
    }

    public static Tensor Zeros(params int[] shape)
    {
        long n = 1;
        foreach (int d in shape) n *= Math.Max(d, 0);
        return new Tensor(new float[n], shape);
    }

    public float[] Data { get; }
    public int Length { get; }
    public int Rank => _shape.Length;
    public ReadOnlySpan<int> Shape => _shape;
    public int Dim(int axis) => _shape[axis < 0 ? _shape.Length + axis : axis];
    public Span<float> Span => Data.AsSpan(0, Length);

    /// <summary>Sizes of a (C,H,W) or (N,C,H,W) tensor as N,C,H,W (N = 1 for rank 3).</summary>
    public (int N, int C, int H, int W) Nchw(string name = "input")
    {
        return Rank switch
        {
            3 => (1, _shape[0], _shape[1], _shape[2]),
            4 => (_shape[0], _shape[1], _shape[2], _shape[3]),
            _ => throw new ConvStreamException($"{name} must be (C,H,W) or (N,C,H,W) but has shape {ShapeString(_shape)}"),
        };
    }

    public float this[int i] { get => Data[i]; set => Data[i] = value; }
    public float this[int c, int y, int x]
    {
        get => Data[(c * _shape[1] + y) * _shape[2] + x];
        set => Data[(c * _shape[1] + y) * _shape[2] + x] = value;
    }
    public float this[int n, int c, int y, int x]
    {
        get => Data[((n * _shape[1] + c) * _shape[2] + y) * _shape[3] + x];
        set => Data[((n * _shape[1] + c) * _shape[2] + y) * _shape[3] + x] = value;
    }

    public Tensor Reshape(params int[] shape) => new(Data, shape);
    public Tensor Clone() => new((float[])Span.ToArray(), _shape);

    public string ShapeText => ShapeString(_shape);
    public static string ShapeString(ReadOnlySpan<int> shape) => "(" + string.Join(",", shape.ToArray()) + ")";
    public override string ToString() => $"Tensor{ShapeText}";
}
