namespace ConvStream.Engine.Memory;

/// <summary>
/// The one ring of rows behind every sliding-window engine (OpenCV's filter-engine ring): the
/// 8-bit separable filters, filter2D, the fused Sobel magnitude, and conv2d/conv3d's padded input
/// rows and row-filtered rows. Row v (a virtual index: rows of the top border are negative)
/// lives in slot v mod <see cref="Slots"/>, and a tag per slot records which row it holds. As
/// output rows advance, each row is made once (padded by the border rule, converted, or filtered
/// along x, as its engine lays it out) when <see cref="Claim"/> says its slot holds another row,
/// then read by every output row whose window covers it; with at least the window's height of
/// slots the rows of one window never collide. The ring says which slot; the row storage and its
/// layout stay the engine's. The tags live in the caller's scratch lease (<see cref="ScratchArena"/>),
/// so a ring allocates nothing.
/// </summary>
internal readonly unsafe struct RowRing
{
    private readonly int* _tags;

    /// <param name="tags"><paramref name="slots"/> ints of the caller's; the ring starts empty.</param>
    public RowRing(int slots, int* tags)
    {
        Slots = slots;
        _tags = tags;
        Reset();
    }

    public int Slots { get; }

    /// <summary>Forgets every row (a new image, or a band that starts afresh).</summary>
    public void Reset() => new Span<int>(_tags, Slots).Fill(int.MinValue);

    /// <summary>The slot row <paramref name="row"/> lives in (negative rows included).</summary>
    public int SlotOf(int row)
    {
        int slot = row % Slots;
        return slot < 0 ? slot + Slots : slot;
    }

    /// <summary>Whether the ring holds row <paramref name="row"/> now.</summary>
    public bool Holds(int row) => _tags[SlotOf(row)] == row;

    /// <summary>
    /// Gives row <paramref name="row"/> its slot; true when the slot held another row, so the
    /// caller must now make this one there (false: it is there already).
    /// </summary>
    public bool Claim(int row, out int slot)
    {
        slot = SlotOf(row);
        if (_tags[slot] == row) return false;
        _tags[slot] = row;
        return true;
    }
}
