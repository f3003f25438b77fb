namespace ConvStream.Engine.Filters.Separable;

/// <summary>How a tap reads its input: one sample, or a mirrored pair summed or subtracted.</summary>
internal enum TapKind : byte { Single, Sum, Difference }

/// <summary>
/// One multiply of a 1-D kernel, with symmetric kernels folded into pairs so a pair costs one
/// multiply: <c>c·(x[a] + x[b])</c> for symmetric taps, <c>c·(x[a] − x[b])</c> for antisymmetric
/// ones. Offsets are in elements of the buffer the pass reads (samples for the row pass, whole
/// ring rows for the column pass). Coefficients ±1 skip the multiply.
/// </summary>
internal struct Tap
{
    public int A;
    public int B;
    public int Coefficient;
    public TapKind Kind;

    /// <summary>Folds kernel <paramref name="k"/> into taps whose i-th element is <paramref name="stride"/>·i away.</summary>
    public static Tap[] Fold(int[] k, int stride)
    {
        var taps = new List<Tap>();
        int n = k.Length;
        for (int i = 0, j = n - 1; i <= j; i++, j--)
        {
            if (i == j)
            {
                if (k[i] != 0) taps.Add(new Tap { A = i * stride, Coefficient = k[i], Kind = TapKind.Single });
            }
            else if (k[i] == k[j])
            {
                if (k[i] != 0) taps.Add(new Tap { A = i * stride, B = j * stride, Coefficient = k[i], Kind = TapKind.Sum });
            }
            else if (k[i] == -k[j])
            {
                taps.Add(new Tap { A = i * stride, B = j * stride, Coefficient = k[i], Kind = TapKind.Difference });
            }
            else
            {
                if (k[i] != 0) taps.Add(new Tap { A = i * stride, Coefficient = k[i], Kind = TapKind.Single });
                if (k[j] != 0) taps.Add(new Tap { A = j * stride, Coefficient = k[j], Kind = TapKind.Single });
            }
        }
        return taps.ToArray();
    }
}
