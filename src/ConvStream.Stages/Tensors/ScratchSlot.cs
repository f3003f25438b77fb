namespace ConvStream.Stages.Tensors;

/// <summary>
/// One scratch object kept for a stage's next call, without a lock: a call takes it out of the slot
/// with an atomic exchange and puts it back when done. A caller that shares the stage across
/// threads and finds the slot empty (another call holds it) builds its own for that call, so two
/// calls never share a buffer and none waits; one caller at a time allocates nothing after its first call.
/// </summary>
internal sealed class ScratchSlot<T> where T : class
{
    private T? _kept;

    /// <summary>The kept object, or null when there is none or another call holds it.</summary>
    public T? Take() => Interlocked.Exchange(ref _kept, null);

    /// <summary>Keeps <paramref name="item"/> for the next call.</summary>
    public void Return(T item) => Volatile.Write(ref _kept, item);
}
