namespace ConvStream.Engine.Geometry;

/// <summary>
/// The padding of a 3-D convolution: <c>valid</c>, <c>same</c> or <c>full</c> on every axis as
/// <see cref="Padding"/> defines them, or explicit numbers per axis, which may differ before and
/// after (Front/Back in time, Top/Bottom, Left/Right in space).
/// </summary>
public readonly record struct Padding3(PaddingKind Kind, int Front, int Back, int Top, int Bottom, int Left, int Right)
{
    public static Padding3 Valid => new(PaddingKind.Valid, 0, 0, 0, 0, 0, 0);
    public static Padding3 Same => new(PaddingKind.Same, 0, 0, 0, 0, 0, 0);
    public static Padding3 Full => new(PaddingKind.Full, 0, 0, 0, 0, 0, 0);
    public static Padding3 Symmetric(int pt, int ph, int pw) => new(PaddingKind.Explicit, pt, pt, ph, ph, pw, pw);
    public static Padding3 Explicit(int front, int back, int top, int bottom, int left, int right)
        => new(PaddingKind.Explicit, front, back, top, bottom, left, right);
    public static implicit operator Padding3(int p) => Symmetric(p, p, p);

    /// <summary>The time axis as a one-axis <see cref="Padding"/> (its vertical pair), so both share one resolution rule.</summary>
    public Padding Temporal => new(Kind, Front, Back, 0, 0);

    /// <summary>The spatial axes, exactly as conv2d's padding.</summary>
    public Padding Spatial => new(Kind, Top, Bottom, Left, Right);

    public bool AnyNegative => (Front | Back | Top | Bottom | Left | Right) < 0;

    /// <summary>Parses valid | same | full | P | PT,PH,PW | F,B,T,B,L,R (front, back, top, bottom, left, right).</summary>
    public static Padding3 Parse(string text, string option = "--padding")
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "valid": return Valid;
            case "same": return Same;
            case "full": return Full;
        }
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var v = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out v[i]))
                throw new ConvStreamException($"{option} '{text}' is not valid, same, full, P, PT,PH,PW or F,B,T,B,L,R");
        return parts.Length switch
        {
            1 => Symmetric(v[0], v[0], v[0]),
            3 => Symmetric(v[0], v[1], v[2]),
            6 => Explicit(v[0], v[1], v[2], v[3], v[4], v[5]),
            _ => throw new ConvStreamException($"{option} '{text}' is not valid, same, full, P, PT,PH,PW or F,B,T,B,L,R"),
        };
    }

    public override string ToString() => Kind switch
    {
        PaddingKind.Explicit when Front == Back && Top == Bottom && Left == Right =>
            Front == Top && Top == Left ? $"{Front}" : $"{Front},{Top},{Left}",
        PaddingKind.Explicit => $"{Front},{Back},{Top},{Bottom},{Left},{Right}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
