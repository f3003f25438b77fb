namespace ConvStream.Engine.Geometry;

/// <summary>How a convolution's padding is given: explicit numbers, or a rule resolved from the input (valid, same, full).</summary>
public enum PaddingKind { Explicit, Valid, Same, Full }

/// <summary>
/// A padding request: <c>valid</c> (none), <c>same</c> (output = ceil(in/stride)), <c>full</c>
/// (dilation·(k−1) each side: every position where kernel and input overlap), or explicit numbers
/// that may differ before and after (asymmetric).
/// </summary>
public readonly record struct Padding(PaddingKind Kind, int Top, int Bottom, int Left, int Right)
{
    /// <summary>No padding.</summary>
    public static Padding Valid => new(PaddingKind.Valid, 0, 0, 0, 0);
    /// <summary>Output size ceil(in / stride): total padding max((out − 1)·stride + dilation·(k − 1) + 1 − in, 0), the smaller half before.</summary>
    public static Padding Same => new(PaddingKind.Same, 0, 0, 0, 0);
    /// <summary>dilation·(k − 1) on each side: every position where kernel and input overlap.</summary>
    public static Padding Full => new(PaddingKind.Full, 0, 0, 0, 0);
    /// <summary><paramref name="ph"/> rows above and below, <paramref name="pw"/> columns left and right.</summary>
    public static Padding Symmetric(int ph, int pw) => new(PaddingKind.Explicit, ph, ph, pw, pw);
    /// <summary>Explicit, possibly asymmetric padding.</summary>
    public static Padding Explicit(int top, int bottom, int left, int right) => new(PaddingKind.Explicit, top, bottom, left, right);
    /// <summary>The same padding <paramref name="p"/> on all four sides.</summary>
    public static implicit operator Padding(int p) => Symmetric(p, p);

    /// <summary>Parses valid | same | full | P | PH,PW | T,B,L,R (top, bottom, left, right).</summary>
    public static Padding Parse(string text, string option = "--padding")
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
                throw new ConvStreamException($"{option} '{text}' is not valid, same, full, P, PH,PW or T,B,L,R");
        return parts.Length switch
        {
            1 => Symmetric(v[0], v[0]),
            2 => Symmetric(v[0], v[1]),
            4 => Explicit(v[0], v[1], v[2], v[3]),
            _ => throw new ConvStreamException($"{option} '{text}' is not valid, same, full, P, PH,PW or T,B,L,R"),
        };
    }

    /// <summary>
    /// The explicit (before, after) padding of one axis for a given input size, kernel, stride and
    /// dilation. DESIGN §3: same's total is max((out−1)·s + d·(k−1) + 1 − in, 0), before = total/2.
    /// </summary>
    public (int Before, int After) Resolve(bool vertical, int input, int kernel, int stride, int dilation)
    {
        // 64-bit: a dilation of 2^31−1 times (k−1) wrapped around in 32 bits (and read out of bounds).
        long span = (long)dilation * (kernel - 1);
        switch (Kind)
        {
            case PaddingKind.Valid: return (0, 0);
            case PaddingKind.Full:
                {
                    int p = GeometryLimits.Extent(span, "padding (full: dilation·(kernel−1))");
                    return (p, p);
                }
            case PaddingKind.Same:
                {
                    long outSize = ((long)input + stride - 1) / stride;
                    long total = Math.Max((outSize - 1) * stride + span + 1 - input, 0);
                    GeometryLimits.Extent(total, "padding (same: total)");
                    return ((int)(total / 2), (int)(total - total / 2));
                }
            default:
                return vertical ? (Top, Bottom) : (Left, Right);
        }
    }

    public override string ToString() => Kind switch
    {
        PaddingKind.Explicit when Top == Bottom && Left == Right => Top == Left ? $"{Top}" : $"{Top},{Left}",
        PaddingKind.Explicit => $"{Top},{Bottom},{Left},{Right}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
