namespace ConvStream.Pipeline.Metrics;

/// <summary>
/// One time per measured frame, in order, in a fixed amount of memory: a plot of how a stage's
/// times evolve over a run (warm-up effects, GC pauses, a neighbour's load). The array is allocated
/// once; when it is full, neighbouring samples are merged pairwise (keeping the larger) and every
/// later sample covers twice as many frames, so recording never allocates and a run of any length
/// keeps its spikes. One thread records; read it once recording has stopped.
/// </summary>
public sealed class FrameSeries
{
    /// <summary>Samples kept at most: 16 KB per node, enough for a smooth line at any plot width.</summary>
    public const int DefaultCapacity = 2048;

    private readonly long[] _values;
    private int _count, _framesPerSample = 1, _inSample;

    public FrameSeries(int capacity = DefaultCapacity)
    {
        if (capacity < 2 || capacity % 2 != 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be an even number ≥ 2");
        _values = new long[capacity];
    }

    /// <summary>Frames each sample covers (its largest value): 1 until the array first fills, then doubling.</summary>
    public int FramesPerSample => _framesPerSample;

    /// <summary>Samples held; sample i covers frames [i·FramesPerSample, (i+1)·FramesPerSample) of the recorded ones (the last may cover fewer).</summary>
    public int Count => _count;

    public long this[int index] => (uint)index < (uint)_count ? _values[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Record(long nanoseconds)
    {
        if (_inSample == 0)
        {
            if (_count == _values.Length) Merge();
            _values[_count++] = nanoseconds;
        }
        else if (nanoseconds > _values[_count - 1]) _values[_count - 1] = nanoseconds;
        if (++_inSample == _framesPerSample) _inSample = 0;
    }

    public void Clear()
    {
        _count = _inSample = 0;
        _framesPerSample = 1;
    }

    /// <summary>Halves the samples: each new one is the larger of two neighbours and covers twice the frames.</summary>
    private void Merge()
    {
        for (int i = 0; i < _count / 2; i++) _values[i] = Math.Max(_values[2 * i], _values[2 * i + 1]);
        _count /= 2;
        _framesPerSample *= 2;
    }
}
