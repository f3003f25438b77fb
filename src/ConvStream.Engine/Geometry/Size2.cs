namespace ConvStream.Engine.Geometry;

/// <summary>A pair of per-axis integers (height first, as PyTorch's tuples), for stride, dilation, kernel size.</summary>
public readonly record struct Size2(int H, int W)
{
    public static Size2 Square(int v) => new(v, v);
    public static implicit operator Size2(int v) => new(v, v);

    /// <summary>Parses "3" or "3,2" (H,W); <paramref name="option"/> names the option in errors.</summary>
    public static Size2 Parse(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2 || !int.TryParse(parts[0], out int h) || (parts.Length == 2 ? !int.TryParse(parts[1], out int w) : (w = h) != h))
            throw new ConvStreamException($"{option} '{text}' is not N or H,W with integers");
        return new Size2(h, w);
    }

    public override string ToString() => H == W ? H.ToString() : $"{H},{W}";
}
