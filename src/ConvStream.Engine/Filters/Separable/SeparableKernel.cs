namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// A 2-D integer kernel written as a sum of rank-1 terms (row kernel ⊗ column kernel), with its
/// anchor, and the rule that turns the exact integer sums into output samples. Gaussian, box,
/// Sobel and Scharr are one term; the Laplacians are two (∂²/∂x² + ∂²/∂y²). Every term's row
/// kernel has the same length, and every column kernel too.
/// </summary>
internal sealed class SeparableKernel
{
    public SeparableKernel(IReadOnlyList<(int[] Row, int[] Column)> terms, SumConversion conversion,
                           bool unsignedRows = false, int anchorX = -1, int anchorY = -1)
    {
        if (terms.Count == 0) throw new ArgumentException("a separable kernel needs at least one term", nameof(terms));
        Width = terms[0].Row.Length;
        Height = terms[0].Column.Length;
        foreach (var (row, column) in terms)
            if (row.Length != Width || column.Length != Height)
                throw new ArgumentException("every term of a separable kernel must have the same extent", nameof(terms));
        Rows = terms.Select(t => (int[])t.Row.Clone()).ToArray();
        Columns = terms.Select(t => (int[])t.Column.Clone()).ToArray();
        AnchorX = anchorX < 0 ? Width / 2 : anchorX;
        AnchorY = anchorY < 0 ? Height / 2 : anchorY;
        Conversion = conversion;
        UnsignedRows = unsignedRows;
        long rowBound = 0, total = 0;
        for (int t = 0; t < Rows.Length; t++)
        {
            long r = Rows[t].Sum(k => (long)Math.Abs(k)) * 255, c = Columns[t].Sum(k => (long)Math.Abs(k));
            rowBound = Math.Max(rowBound, r);
            total += r * c;
        }
        RowBound = rowBound;
        SumBound = total;
    }

    public int Width { get; }
    public int Height { get; }
    public int AnchorX { get; }
    public int AnchorY { get; }
    public int TermCount => Rows.Length;
    /// <summary>Row kernels, one per term (applied along x, taps C samples apart).</summary>
    public int[][] Rows { get; }
    /// <summary>Column kernels, one per term (applied down y).</summary>
    public int[][] Columns { get; }
    public SumConversion Conversion { get; }
    /// <summary>
    /// Row sums are unsigned (all taps ≥ 0 and sums up to 65535, as the box filter's); otherwise
    /// they are signed 16-bit (derivatives).
    /// </summary>
    public bool UnsignedRows { get; }
    /// <summary>Largest |row sum| an 8-bit input can produce.</summary>
    public long RowBound { get; }
    /// <summary>Largest |total sum| an 8-bit input can produce.</summary>
    public long SumBound { get; }
}
