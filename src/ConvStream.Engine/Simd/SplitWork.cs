namespace ConvStream.Engine.Simd;

/// <summary>
/// What one item (a row, a tile row, a channel) of a split call costs, in the unit of its kind of
/// op, and the least work a task must get before a call is split at all (<see cref="Threads.For{TState}"/>).
/// A plain number converts to multiply-adds, the unit of the float convolutions and pools;
/// memory-bound 8-bit filters count bytes read and written (<see cref="Bytes"/>): one multiply-add
/// count for both split a 0.3 ms gray conversion as eagerly as a 5 ms convolution.
/// </summary>
public readonly record struct SplitWork(long PerItem, long MinPerTask)
{
    /// <summary>Compute-bound work: multiply-adds per item (<see cref="Threads.MinMultiplyAddsPerTask"/>).</summary>
    public static SplitWork MultiplyAdds(long perItem) => new(perItem, Threads.MinMultiplyAddsPerTask);

    /// <summary>Memory-bound work: bytes read and written per item (<see cref="Threads.MinBytesPerTask"/>).</summary>
    public static SplitWork Bytes(long perItem) => new(perItem, Threads.MinBytesPerTask);

    public static implicit operator SplitWork(long multiplyAdds) => MultiplyAdds(multiplyAdds);
}
