namespace ConvStream.Engine.Geometry;

/// <summary>
/// The limits every size in ConvStream is checked against, in one place (2-D and 3-D ops, frames,
/// pipeline planning). Sizes are computed in checked 64-bit arithmetic and refused with a message
/// naming the value and the limit when they do not fit: a padding of 2^31−1 or a dilation of 2^30
/// once wrapped around in 32 bits and produced garbage, or an out-of-bounds access.
/// <list type="bullet">
/// <item><see cref="MaxExtent"/>: any one axis (input, padding, stride, dilation, the dilated kernel,
/// an output size): 2^20. With every term at most 2^20, sums and products of a few of them stay
/// far inside 64 bits.</item>
/// <item><see cref="MaxElements"/>: one buffer (a tensor, a frame): the .NET array limit.</item>
/// <item>bytes: at most the memory this process may use (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>).</item>
/// </list>
/// </summary>
public static class GeometryLimits
{
    /// <summary>Largest value of any one axis: sizes, paddings, strides, dilations, dilated kernels (2^20 = 1,048,576).</summary>
    public const int MaxExtent = 1 << 20;

    /// <summary>Largest number of elements of one buffer (.NET's array limit, 2,147,483,591).</summary>
    public static long MaxElements => Array.MaxLength;

    /// <summary>
    /// Checks one axis value (0 ≤ value ≤ <see cref="MaxExtent"/>) and returns it as an int.
    /// <paramref name="what"/> names it in the message ("padding", "stage 'blur': size").
    /// Shapes are resolved on every call of an op, so nothing is allocated unless the value is refused.
    /// </summary>
    public static int Extent(long value, string what)
    {
        if (value < 0) throw new ConvStreamException($"{what} {value} must not be negative");
        if (value > MaxExtent) throw new ConvStreamException($"{what} {value} exceeds the limit of {MaxExtent}");
        return (int)value;
    }

    /// <summary>Checks each of a pair (height, width) of axis values.</summary>
    public static void Extents(Size2 value, string what)
    {
        Extent(value.H, what);
        Extent(value.W, what);
    }

    /// <summary>
    /// The element count of a buffer of shape <paramref name="dims"/> (checked 64-bit product),
    /// refused when it exceeds <see cref="MaxElements"/> or its bytes exceed the memory available.
    /// </summary>
    public static long Elements(string what, int bytesPerElement, params ReadOnlySpan<long> dims)
    {
        long n = 1;
        try
        {
            foreach (long d in dims)
            {
                if (d < 0) throw new ConvStreamException($"{what} {Shape(dims)} has a negative dimension");
                n = checked(n * d);
            }
        }
        catch (OverflowException e)
        {
            throw new ConvStreamException($"{what} {Shape(dims)} has more than 2^63 elements; the limit of one buffer is {MaxElements} elements", e);
        }
        if (n > MaxElements)
            throw new ConvStreamException($"{what} {Shape(dims)} has {n} elements, more than the limit of one buffer ({MaxElements} elements)");
        long bytes = n * bytesPerElement, available = AvailableMemory.Value;
        if (available > 0 && bytes > available)
            throw new ConvStreamException($"{what} {Shape(dims)} needs {bytes} bytes, more than the {available} bytes of memory available");
        return n;
    }

    /// <summary>
    /// A sliding window's keys (a pipeline stage's, checked when the stage is built): kernel,
    /// stride, dilation and the dilated kernel <c>d·(k−1)+1</c> each within <see cref="MaxExtent"/>.
    /// <paramref name="context"/> names the stage ("demo.json: stage 'c'").
    /// </summary>
    public static void Window(string context, Size2 kernel, Size2 stride, Size2 dilation, Size2 padding)
    {
        Extents(kernel, $"{context}: kernel size");
        Extents(stride, $"{context}: key 'stride'");
        Extents(dilation, $"{context}: key 'dilation'");
        Extents(padding, $"{context}: key 'padding'");
        Extent((long)dilation.H * (kernel.H - 1) + 1, $"{context}: dilated kernel height (dilation·(k−1)+1)");
        Extent((long)dilation.W * (kernel.W - 1) + 1, $"{context}: dilated kernel width (dilation·(k−1)+1)");
    }

    /// <summary>A frame's size: each side at most <see cref="MaxExtent"/>, its bytes within one buffer.</summary>
    public static void Frame(long width, long height, int channels, int bytesPerSample, string what)
    {
        if (width <= 0 || height <= 0) throw new ConvStreamException($"{what}: frame size {width}x{height} must be positive");
        Extent(width, $"{what}: frame width");
        Extent(height, $"{what}: frame height");
        Elements($"{what}: frame", bytesPerSample, height, width, channels);
    }

    private static string Shape(ReadOnlySpan<long> dims) => "(" + string.Join(",", dims.ToArray()) + ")";

    /// <summary>The memory this process may use (physical memory or its container's limit), read once: GetGCMemoryInfo allocates.</summary>
    private static readonly Lazy<long> AvailableMemory = new(() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
}
