namespace ConvStream.Engine.Fitting;

/// <summary>What a fit reports while it runs (a command draws it; the engine does no I/O).</summary>
public interface IFitProgress
{
    /// <summary>Bands of rows summed into the normal equations so far, of <paramref name="bands"/>; called from worker threads, one at a time.</summary>
    void Equations(int done, int bands);

    /// <summary>After Adam's step <paramref name="step"/> of <paramref name="steps"/>, with the loss before it.</summary>
    void Step(int step, int steps, double loss);
}
