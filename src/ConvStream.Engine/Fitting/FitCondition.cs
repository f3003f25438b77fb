namespace ConvStream.Engine.Fitting;

/// <summary>
/// How well the pairs determine the kernel: the spectral condition number of the normal equations
/// after scaling their diagonal to 1 (so brightness and units do not count, only how independent
/// the taps' views of the image are), and their numerical rank.
/// </summary>
public sealed record FitCondition(double Condition, int Rank, int Unknowns)
{
    public bool FullRank => Rank == Unknowns;
}
