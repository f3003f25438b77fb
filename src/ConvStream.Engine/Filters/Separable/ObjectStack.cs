namespace ConvStream.Engine.Filters.Separable;

/// <summary>
/// A tiny lock-protected pool. ConcurrentBag allocates on some take/add paths; a stack under a
/// lock costs nothing once its capacity is reached, and the engine takes at most a handful of
/// items per frame.
/// </summary>
internal sealed class ObjectStack<T> where T : class
{
    private readonly Stack<T> _items = new();

    public bool TryPop(out T item)
    {
        lock (_items)
        {
            if (_items.Count > 0) { item = _items.Pop(); return true; }
        }
        item = null!;
        return false;
    }

    public void Push(T item)
    {
        lock (_items) _items.Push(item);
    }
}
