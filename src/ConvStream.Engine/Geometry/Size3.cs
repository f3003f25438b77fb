namespace ConvStream.Engine.Geometry;

/// <summary>
/// A triple of per-axis integers, time first (PyTorch's conv3d tuples are (T, H, W)), for the
/// stride, dilation and kernel size of a 3-D convolution.
/// </summary>
public readonly record struct Size3(int T, int H, int W)
{
    public static implicit operator Size3(int v) => new(v, v, v);

    /// <summary>The spatial part, as conv2d takes it.</summary>
    public Size2 Spatial => new(H, W);

    /// <summary>Parses "3" (every axis) or "1,3,3" (T,H,W); <paramref name="option"/> names the option in errors.</summary>
    public static Size3 Parse(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var v = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out v[i]))
                throw new ConvStreamException($"{option} '{text}' is not N or T,H,W with integers");
        return parts.Length switch
        {
            1 => new Size3(v[0], v[0], v[0]),
            3 => new Size3(v[0], v[1], v[2]),
            _ => throw new ConvStreamException($"{option} '{text}' is not N or T,H,W with integers"),
        };
    }

    public override string ToString() => T == H && H == W ? T.ToString() : $"{T},{H},{W}";
}
