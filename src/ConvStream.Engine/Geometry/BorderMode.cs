namespace ConvStream.Engine.Geometry;

/// <summary>
/// How samples outside the input are invented. Names follow <c>numpy.pad</c>, because the other
/// libraries' names collide (OpenCV's REFLECT is numpy's symmetric).
/// </summary>
public enum BorderMode
{
    /// <summary>Outside is 0 (OpenCV BORDER_CONSTANT with 0).</summary>
    Zeros,
    /// <summary><c>aaa|abcd|ddd</c> (OpenCV BORDER_REPLICATE).</summary>
    Replicate,
    /// <summary><c>dcb|abcd|cba</c>, the edge not repeated (PyTorch reflect, OpenCV BORDER_REFLECT_101, the default).</summary>
    Reflect,
    /// <summary><c>cba|abcd|dcb</c>, the edge repeated (OpenCV BORDER_REFLECT).</summary>
    Symmetric,
    /// <summary><c>bcd|abcd|abc</c> (OpenCV BORDER_WRAP, PyTorch circular).</summary>
    Circular,
}

/// <summary>Names and parsing of <see cref="BorderMode"/>.</summary>
public static class BorderModes
{
    /// <summary>Every accepted name, with the other libraries' unambiguous aliases.</summary>
    private static readonly Dictionary<string, BorderMode> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["zeros"] = BorderMode.Zeros, ["constant"] = BorderMode.Zeros, ["zero"] = BorderMode.Zeros,
        ["replicate"] = BorderMode.Replicate, ["edge"] = BorderMode.Replicate,
        ["reflect"] = BorderMode.Reflect, ["reflect101"] = BorderMode.Reflect, ["reflect_101"] = BorderMode.Reflect, ["default"] = BorderMode.Reflect,
        ["symmetric"] = BorderMode.Symmetric,
        ["circular"] = BorderMode.Circular, ["wrap"] = BorderMode.Circular,
    };

    /// <summary>The names <see cref="Parse"/> accepts, for error messages.</summary>
    public static string Accepted => "zeros, replicate, reflect, symmetric, circular";

    /// <summary>Parses a border name or an unambiguous alias (constant, edge, reflect101, wrap); an error names <paramref name="what"/>.</summary>
    public static BorderMode Parse(string text, string what = "border")
        => Names.TryGetValue(text.Trim(), out var m) ? m
           : throw new ConvStreamException($"{what} '{text}' is not a border mode; expected one of {Accepted}");

    /// <summary>The numpy.pad name: zeros, replicate, reflect, symmetric, circular.</summary>
    public static string Name(this BorderMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>
    /// Maps a coordinate that may lie outside <c>[0, length)</c> to the input coordinate whose
    /// value it takes, or −1 for <see cref="BorderMode.Zeros"/> outside. This is the specification;
    /// fast paths precompute it into index maps before their hot loops.
    /// </summary>
    public static int Map(int i, int length, BorderMode mode)
    {
        if ((uint)i < (uint)length) return i;
        switch (mode)
        {
            case BorderMode.Zeros:
                return -1;
            case BorderMode.Replicate:
                return i < 0 ? 0 : length - 1;
            case BorderMode.Circular:
                i %= length;
                return i < 0 ? i + length : i;
            case BorderMode.Reflect:
                if (length == 1) return 0;
                {
                    int period = 2 * (length - 1);
                    i %= period;
                    if (i < 0) i += period;
                    return i < length ? i : period - i;
                }
            case BorderMode.Symmetric:
                {
                    int period = 2 * length;
                    i %= period;
                    if (i < 0) i += period;
                    return i < length ? i : period - 1 - i;
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(mode));
        }
    }
}
