using ConvStream.Engine.Simd;

namespace ConvStream.Engine.Ops.Conv;

/// <summary>
/// Output rows written left to right in pieces (Winograd F(4×4)'s chunks of tiles) with streaming
/// stores of whole 64-byte lines only. A piece rarely ends on a line (its columns start at a
/// multiple of 4, the row at any float), and a line written partly by ordinary stores and partly
/// by streaming ones is read from memory and then evicted: the unfinished line of each row waits
/// here (its "carry") until the next piece completes it. The row's first and last partial lines,
/// which hold other rows' samples too, get ordinary stores.
/// </summary>
internal readonly unsafe struct StreamedRows(float* carry, int* written)
{
    /// <summary>Floats per row of carry: one line.</summary>
    public const int Line = 16;

    private readonly float* _carry = carry;     // [row][Line]
    private readonly int* _written = written;   // [row]: columns before this are stored or carried

    /// <summary>Scratch floats for <paramref name="rows"/> rows (carry and counters).</summary>
    public static long ScratchFloats(int rows) => (long)rows * (Line + 1) + Line;

    /// <summary>Starts <paramref name="rows"/> new rows (a new tile row).</summary>
    public void Reset(int rows) => new Span<int>(_written, rows).Clear();

    /// <summary>
    /// Writes columns [<paramref name="x0"/>, <paramref name="x1"/>) of <paramref name="row"/>
    /// (<paramref name="src"/>[c − x0] for column c), of which those before the row's earlier pieces'
    /// end were written already (pieces may overlap, with identical values; never leave a gap).
    /// <paramref name="width"/>: the row's length; the piece that reaches it finishes the row.
    /// </summary>
    public void Commit<TVec, TOps>(int index, float* row, float* src, int x0, int x1, int width)
        where TVec : unmanaged
        where TOps : ISimdOps<TVec>
    {
        int c = _written[index];
        if (x1 <= c) return;
        float* carry = _carry + index * Line;
        int first = (int)((Line - (nint)row / sizeof(float) % Line) % Line); // the row's first aligned column
        if (((nint)row & (sizeof(float) - 1)) != 0) first = width;          // not even float-aligned: ordinary stores only
        for (; c < x1 && c < first; c++) row[c] = src[c - x0];
        if (c < x1)
        {
            // Finish the carried line, if one is open; then whole lines; then carry the rest.
            int offset = (c - first) & (Line - 1);
            if (offset != 0)
            {
                int n = Math.Min(x1 - c, Line - offset);
                new ReadOnlySpan<float>(src + (c - x0), n).CopyTo(new Span<float>(carry + offset, n));
                c += n;
                if (offset + n == Line) StoreLine<TVec, TOps>(row + c - Line, carry);
            }
            for (; c + Line <= x1; c += Line) StoreLine<TVec, TOps>(row + c, src + (c - x0));
            if (c < x1)
            {
                new ReadOnlySpan<float>(src + (c - x0), x1 - c).CopyTo(new Span<float>(carry, x1 - c));
                c = x1;
            }
        }
        _written[index] = c;
        int open = c > first ? (c - first) & (Line - 1) : 0;
        if (c == width && open != 0)
            // The last, partial line: ordinary stores (the rest of the line is not this row's).
            new ReadOnlySpan<float>(carry, open).CopyTo(new Span<float>(row + c - open, open));
    }

    private static void StoreLine<TVec, TOps>(float* line, float* src)
        where TVec : unmanaged
        where TOps : ISimdOps<TVec>
    {
        for (int i = 0; i < Line; i += TOps.Count) TOps.StoreStreaming(line + i, TOps.Load(src + i));
    }
}
