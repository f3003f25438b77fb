namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// The integer 1-D kernels of OpenCV's <c>getDerivKernels</c>: Sobel's binomial smoothing and
/// finite differences of any order, and Scharr's 3/10/3 smoothing. A 2-D derivative filter is the
/// outer product of the x kernel (along a row) and the y kernel (down a column).
/// </summary>
internal static class DerivativeKernels
{
    /// <summary>
    /// The Sobel kernel of <paramref name="order"/> and <paramref name="size"/> (odd, 1–31). Size 1
    /// means "no smoothing": <c>[1]</c> for order 0, and the 3-tap difference for order 1 or 2.
    /// </summary>
    public static int[] Sobel(int order, int size)
    {
        if (size == 1 && order > 0) size = 3;
        if (size % 2 == 0 || size < 1 || size > 31)
            throw new ConvStreamException($"Sobel kernel size {size} must be odd and at most 31");
        if (order >= size)
            throw new ConvStreamException($"Sobel derivative order {order} needs a kernel larger than {size}");
        if (size == 1) return new[] { 1 };
        if (size == 3)
            return order switch { 0 => new[] { 1, 2, 1 }, 1 => new[] { -1, 0, 1 }, _ => new[] { 1, -2, 1 } };

        // Binomial smoothing of length size − order, then `order` differences: each pass widens
        // the kernel by one, as OpenCV builds it.
        var k = new int[size + 1];
        k[0] = 1;
        for (int i = 0; i < size - order - 1; i++)
            for (int j = size; j >= 1; j--) k[j] += k[j - 1];
        // Each difference pass is new[m] = old[m−1] − old[m] (old[−1] = 0), OpenCV's sign.
        for (int i = 0; i < order; i++)
        {
            for (int j = size; j >= 1; j--) k[j] = k[j - 1] - k[j];
            k[0] = -k[0];
        }
        var result = new int[size];
        Array.Copy(k, result, size);
        return result;
    }

    /// <summary>Scharr's 3-tap kernels: <c>[3, 10, 3]</c> for order 0, <c>[−1, 0, 1]</c> for order 1.</summary>
    public static int[] Scharr(int order) => order switch
    {
        0 => new[] { 3, 10, 3 },
        1 => new[] { -1, 0, 1 },
        _ => throw new ConvStreamException($"Scharr derivative order {order} must be 0 or 1"),
    };
}
