using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;
using ConvStream.Pipeline.Outputs;

namespace ConvStream.Media.Tests;

/// <summary>
/// The one mosaic (Pipeline's <see cref="MosaicComposer"/>, which mosaic outputs and preview windows
/// draw with): tiles in a square-ish grid, each input scaled into its cell by nearest neighbour, gray
/// as B=G=R, a feature map's channels one tile each (stretched to 0..255), empty cells black.
/// </summary>
public sealed class MosaicTests
{
    private static Frame Filled(int w, int h, int c, Func<int, int, int, byte> value)
    {
        var f = new Frame(w, h, c);
        for (int y = 0; y < h; y++) { var r = f.RowSpan(y); for (int x = 0; x < w; x++) for (int k = 0; k < c; k++) r[x * c + k] = value(x, y, k); }
        return f;
    }

    [Fact]
    public void TilesAreTheInputsPixelsInAGrid()
    {
        var color = Filled(80, 60, 3, (x, y, k) => (byte)(x + 2 * y + 50 * k));
        var gray = Filled(40, 30, 1, (x, y, _) => (byte)(100 + x));  // half size: scaled 2x by nearest neighbour
        var inputs = new[] { FrameFormat.Of(color), FrameFormat.Of(color), FrameFormat.Of(gray) };
        var display = new FrameFormat(160, 120, 3, PixelDepth.U8);
        var mosaic = new MosaicComposer(inputs, display);
        Assert.Equal((2, 2, 3), (mosaic.Columns, mosaic.Rows, mosaic.TileCount));

        var canvas = display.Allocate();
        canvas.Bytes.Fill(7); // composing clears what was there
        mosaic.Compose([color, color, gray], canvas);
        for (int y = 0; y < 60; y++)
            for (int x = 0; x < 80; x++)
                for (int k = 0; k < 3; k++)
                {
                    Assert.Equal(color.RowSpan(y)[3 * x + k], canvas.RowSpan(y)[3 * x + k]);            // tile 0: top left
                    Assert.Equal(color.RowSpan(y)[3 * x + k], canvas.RowSpan(y)[3 * (80 + x) + k]);     // tile 1: top right
                    Assert.Equal((byte)(100 + x / 2), canvas.RowSpan(60 + y)[3 * x + k]);             // tile 2: gray, B=G=R
                }
        // The fourth cell has no input: black.
        for (int y = 60; y < 120; y++) Assert.True(canvas.RowSpan(y).Slice(80 * 3, 80 * 3).IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void AFeatureMapGetsOneTilePerChannel()
    {
        var map = new Frame(20, 10, 5, PixelDepth.U8);
        for (int y = 0; y < 10; y++) for (int x = 0; x < 20; x++) for (int c = 0; c < 5; c++) map.RowSpan(y)[x * 5 + c] = (byte)(10 + x * (c + 1));
        var mosaic = new MosaicComposer([FrameFormat.Of(map)], new FrameFormat(60, 20, 3, PixelDepth.U8));
        Assert.Equal((3, 2, 5), (mosaic.Columns, mosaic.Rows, mosaic.TileCount));
        var canvas = new Frame(60, 20, 3);
        mosaic.Compose([map], canvas);
        // Each channel's tile is stretched to 0..255 on its own (a ramp in x here): dark at its left edge, white at its right.
        for (int c = 0; c < 5; c++)
        {
            int left = c % 3 * 20, row = c / 3 * 10 + 5;
            Assert.Equal(0, canvas.RowSpan(row)[3 * left]);
            Assert.Equal(255, canvas.RowSpan(row)[3 * (left + 19)]);
        }
    }
}
