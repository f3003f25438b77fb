namespace ConvStream.Engine.Filters.Temporal;

/// <summary>Where a temporal stage's window sits around the frame it answers for.</summary>
public enum TemporalMode
{
    /// <summary>Centred offline (the best estimate: as many frames after as before), causal live. The default.</summary>
    Auto,
    /// <summary>The frame and the ones before it only: no added latency; the only mode live pipelines run.</summary>
    Causal,
    /// <summary>The frame in the middle of its window: the output waits for the frames after it (offline only).</summary>
    Centred,
}

public static class TemporalModes
{
    /// <summary>
    /// The frames a window of <paramref name="span"/> frames reads before (<c>Past</c>) and after
    /// (<c>Future</c>) the frame it answers for. Centred: <c>Future = (span − 1) / 2</c> and the
    /// rest before, so an even span has its extra frame in the past.
    /// </summary>
    public static (int Past, int Future) Footprint(int span, TemporalMode mode, bool live)
    {
        bool centred = mode == TemporalMode.Centred || (mode == TemporalMode.Auto && !live);
        int future = centred ? (span - 1) / 2 : 0;
        return (span - 1 - future, future);
    }
}
