using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Engine.Imaging.Codecs;

namespace ConvStream.Pipeline.Outputs;

/// <summary>
/// Tiles several stages' frames of one frame index into one BGR picture, for a preview window or a
/// file: a grid of near-square tiles, each input scaled (nearest neighbour) to fit its tile with its
/// aspect kept. Inputs with 1 or 3 channels make one tile (u8 as is, s16 by absolute value, f32
/// saturated); inputs with other channel counts (feature maps) make one gray tile per channel,
/// each stretched from its own minimum..maximum to 0..255. Sampling maps are computed once. It
/// reads planar (C,H,W) frames as they are (a tile per channel is a plane), so feature maps that
/// travel planar between tensor stages are shown without a conversion.
/// </summary>
public sealed class MosaicComposer
{
    private readonly Tile[] _tiles;

    public MosaicComposer(IReadOnlyList<FrameFormat> inputs, FrameFormat display)
    {
        Display = display;
        var tiles = new List<(int Input, int Channel, FrameFormat Format)>();
        for (int i = 0; i < inputs.Count; i++)
        {
            var f = inputs[i];
            if (f.Channels is 1 or 3) tiles.Add((i, -1, f));
            else for (int c = 0; c < f.Channels; c++) tiles.Add((i, c, f));
        }
        int n = tiles.Count;
        Columns = (int)Math.Ceiling(Math.Sqrt(n));
        Rows = (n + Columns - 1) / Columns;
        int cellW = display.Width / Columns, cellH = display.Height / Rows;
        _tiles = new Tile[n];
        for (int t = 0; t < n; t++)
        {
            var (input, channel, f) = tiles[t];
            double scale = Math.Min((double)cellW / f.Width, (double)cellH / f.Height);
            int w = Math.Max(1, (int)(f.Width * scale)), h = Math.Max(1, (int)(f.Height * scale));
            int x0 = t % Columns * cellW + (cellW - w) / 2, y0 = t / Columns * cellH + (cellH - h) / 2;
            var xs = new int[w];
            for (int x = 0; x < w; x++) xs[x] = Math.Min(f.Width - 1, (int)((x + 0.5) / scale));
            var ys = new int[h];
            for (int y = 0; y < h; y++) ys[y] = Math.Min(f.Height - 1, (int)((y + 0.5) / scale));
            _tiles[t] = new Tile(input, channel, x0, y0, xs, ys);
        }
    }

    public FrameFormat Display { get; }
    public int Columns { get; }
    public int Rows { get; }
    public int TileCount => _tiles.Length;

    /// <summary>Draws <paramref name="inputs"/> (one frame per input, in order) into <paramref name="display"/>.</summary>
    public void Compose(ReadOnlySpan<Frame> inputs, Frame display)
    {
        display.Bytes.Clear();
        foreach (var t in _tiles) Draw(t, inputs[t.Input], display);
    }

    private static void Draw(Tile t, Frame src, Frame dst)
    {
        int c = src.Channels;
        float lo = 0, hi = 255;
        if (t.Channel >= 0) (lo, hi) = ChannelRange(src, t.Channel);
        float a = t.Channel >= 0 ? (hi > lo ? 255f / (hi - lo) : 0f) : 1f, b = t.Channel >= 0 ? -lo * a : 0f;
        for (int y = 0; y < t.Ys.Length; y++)
        {
            var drow = dst.Row<byte>(t.Y0 + y);
            int sy = t.Ys[y];
            for (int x = 0; x < t.Xs.Length; x++)
            {
                int sx = t.Xs[x], d = (t.X0 + x) * 3;
                if (t.Channel >= 0)
                {
                    byte v = SaturateCast.ToU8(Sample(src, sy, sx * c + t.Channel) * a + b);
                    drow[d] = drow[d + 1] = drow[d + 2] = v;
                }
                else if (c == 1)
                {
                    byte v = Shown(src, sy, sx);
                    drow[d] = drow[d + 1] = drow[d + 2] = v;
                }
                else
                {
                    drow[d] = Shown(src, sy, sx * 3);
                    drow[d + 1] = Shown(src, sy, sx * 3 + 1);
                    drow[d + 2] = Shown(src, sy, sx * 3 + 2);
                }
            }
        }
    }

    private static float Sample(Frame f, int y, int i) => f.Layout == FrameLayout.Planar ? Planar(f, y, i) : f.Depth switch
    {
        PixelDepth.U8 => f.Row<byte>(y)[i],
        PixelDepth.S16 => f.Row<short>(y)[i],
        _ => f.Row<float>(y)[i],
    };

    /// <summary>The sample at interleaved index <paramref name="i"/> of row <paramref name="y"/> of a planar frame: channel i mod C, column i / C.</summary>
    private static float Planar(Frame f, int y, int i)
    {
        int c = f.Channels;
        return f.Planes.Data[((i % c) * f.Height + y) * f.Width + i / c];
    }

    private static byte Shown(Frame f, int y, int i) => f.Layout == FrameLayout.Planar ? SaturateCast.ToU8(Planar(f, y, i)) : f.Depth switch
    {
        PixelDepth.U8 => f.Row<byte>(y)[i],
        PixelDepth.S16 => (byte)Math.Min(255, Math.Abs((int)f.Row<short>(y)[i])),
        _ => SaturateCast.ToU8(f.Row<float>(y)[i]),
    };

    private static (float Lo, float Hi) ChannelRange(Frame f, int channel)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        int c = f.Channels;
        for (int y = 0; y < f.Height; y++)
            for (int x = channel; x < f.RowLength; x += c)
            {
                float v = Sample(f, y, x);
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
        return (lo, hi);
    }

    private sealed record Tile(int Input, int Channel, int X0, int Y0, int[] Xs, int[] Ys);
}
