namespace ConvStream.Engine.Fitting;

/// <summary>
/// Gradient descent with Adam (Kingma &amp; Ba 2015) on the fit's loss. The learning rate is in
/// weight units per step (the data are scaled to unit range first, so it does not depend on
/// brightness) and decays along a half cosine to 0 over <see cref="Steps"/>, so the last steps
/// settle instead of circling the minimum.
/// </summary>
public sealed record AdamOptions
{
    public int Steps { get; init; } = 500;
    public double LearningRate { get; init; } = 0.2;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-12;
}
