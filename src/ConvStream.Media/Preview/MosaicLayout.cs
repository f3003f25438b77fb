using ConvStream.Engine;
using ConvStream.Engine.Imaging;

namespace ConvStream.Media.Preview;

/// <summary>
/// Where each stream goes in a mosaic: <see cref="Count"/> tiles of one size in a grid of
/// <see cref="Columns"/> columns (√n rounded up by default), filled row by row.
/// </summary>
public sealed record MosaicLayout
{
    public MosaicLayout(int count, int tileWidth, int tileHeight, int columns = 0)
    {
        if (count <= 0) throw new ConvStreamException("a mosaic needs at least one stream");
        if (tileWidth <= 0 || tileHeight <= 0) throw new ConvStreamException($"mosaic tile size {tileWidth}x{tileHeight} must be positive");
        Count = count;
        TileWidth = tileWidth;
        TileHeight = tileHeight;
        Columns = columns > 0 ? Math.Min(columns, count) : (int)Math.Ceiling(Math.Sqrt(count));
        Rows = (count + Columns - 1) / Columns;
    }

    public int Count { get; }
    public int TileWidth { get; }
    public int TileHeight { get; }
    public int Columns { get; }
    public int Rows { get; }
    public int Width => Columns * TileWidth;
    public int Height => Rows * TileHeight;

    public (int X, int Y) Origin(int tile) => (tile % Columns * TileWidth, tile / Columns * TileHeight);

    /// <summary>
    /// Copies <paramref name="source"/> (BGR or gray, any size) into tile <paramref name="tile"/> of the
    /// BGR <paramref name="canvas"/>, scaled to the tile by nearest neighbour.
    /// </summary>
    public void DrawTile(Frame source, Frame canvas, int tile)
    {
        var (ox, oy) = Origin(tile);
        int sw = source.Width, sh = source.Height, ch = source.Channels;
        bool same = sw == TileWidth && sh == TileHeight;
        for (int y = 0; y < TileHeight; y++)
        {
            var src = source.RowSpan(same ? y : (int)((long)y * sh / TileHeight));
            var dst = canvas.RowSpan(oy + y).Slice(ox * 3, TileWidth * 3);
            if (same && ch == 3) { src.CopyTo(dst); continue; }
            for (int x = 0; x < TileWidth; x++)
            {
                int sx = same ? x : (int)((long)x * sw / TileWidth);
                if (ch == 3) { dst[3 * x] = src[3 * sx]; dst[3 * x + 1] = src[3 * sx + 1]; dst[3 * x + 2] = src[3 * sx + 2]; }
                else dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = src[sx];
            }
        }
    }
}
