namespace ConvStream.Engine.Tensors;

/// <summary>
/// A dense float32 tensor in C (row-major) order, PyTorch's layouts: (C,H,W), (N,C,H,W) for
/// activations, (Cout, Cin/groups, KH, KW) for weights. The data array may be longer than the
/// element count (pooled arrays); only the first <see cref="Length"/> elements are meaningful.
/// </summary>
public sealed class Tensor
{
    private readonly int[] _shape;

    /// <summary>A tensor over <paramref name="data"/> (not copied) with the given shape; the array must hold at least the product of the dimensions.</summary>
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

    /// <summary>A new tensor of the given shape, every element 0.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        long n = 1;
        foreach (int d in shape) n *= Math.Max(d, 0);
        return new Tensor(new float[n], shape);
    }

    /// <summary>The backing array, in C order; it may be longer than <see cref="Length"/>.</summary>
    public float[] Data { get; }
    /// <summary>The number of elements: the product of the dimensions.</summary>
    public int Length { get; }
    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;
    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;
    /// <summary>The size of one dimension; a negative axis counts from the end, as in PyTorch.</summary>
    public int Dim(int axis) => _shape[axis < 0 ? _shape.Length + axis : axis];
    /// <summary>The elements, in C order.</summary>
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

    /// <summary>Element <paramref name="i"/> in C order.</summary>
    public float this[int i] { get => Data[i]; set => Data[i] = value; }
    /// <summary>Element (c, y, x) of a (C,H,W) tensor.</summary>
    public float this[int c, int y, int x]
    {
        get => Data[(c * _shape[1] + y) * _shape[2] + x];
        set => Data[(c * _shape[1] + y) * _shape[2] + x] = value;
    }
    /// <summary>Element (n, c, y, x) of an (N,C,H,W) tensor.</summary>
    public float this[int n, int c, int y, int x]
    {
        get => Data[((n * _shape[1] + c) * _shape[2] + y) * _shape[3] + x];
        set => Data[((n * _shape[1] + c) * _shape[2] + y) * _shape[3] + x] = value;
    }

    /// <summary>The same data seen with another shape of as many elements (no copy).</summary>
    public Tensor Reshape(params int[] shape) => new(Data, shape);
    /// <summary>A copy with its own data.</summary>
    public Tensor Clone() => new((float[])Span.ToArray(), _shape);

    /// <summary>The shape as PyTorch prints it: <c>(1,3,4,4)</c>.</summary>
    public string ShapeText => ShapeString(_shape);
    /// <summary>A shape written <c>(1,3,4,4)</c>, as error messages name it.</summary>
    public static string ShapeString(ReadOnlySpan<int> shape) => "(" + string.Join(",", shape.ToArray()) + ")";
    public override string ToString() => $"Tensor{ShapeText}";
}
