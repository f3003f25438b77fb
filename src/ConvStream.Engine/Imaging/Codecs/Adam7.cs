namespace ConvStream.Engine.Imaging.Codecs;

/// <summary>
/// PNG's Adam7 interlacing: seven passes, each a sub-image of every dx-th pixel of every dy-th row
/// starting at (x0, y0). A pass whose sub-image is empty stores nothing, not even filter bytes.
/// </summary>
public static class Adam7
{
    public readonly record struct Pass(int X0, int Y0, int Dx, int Dy)
    {
        public int Width(int imageWidth) => imageWidth > X0 ? (imageWidth - X0 + Dx - 1) / Dx : 0;
        public int Height(int imageHeight) => imageHeight > Y0 ? (imageHeight - Y0 + Dy - 1) / Dy : 0;
    }

    private static readonly Pass[] All =
    [
        new(0, 0, 8, 8), new(4, 0, 8, 8), new(0, 4, 4, 8), new(2, 0, 4, 4),
        new(0, 2, 2, 4), new(1, 0, 2, 2), new(0, 1, 1, 2),
    ];

    public static ReadOnlySpan<Pass> Passes => All;
}
