using ConvStream.Engine.Imaging;
using ConvStream.Media.Preview;
using ConvStream.Media.Sinks;
using ConvStream.Pipeline.Video;

namespace ConvStream.Media.Tests;

public sealed class MosaicTests
{
    /// <summary>Captures what the mosaic sends to its window.</summary>
    private sealed class CaptureSink : IVideoSink
    {
        public Frame? Last;
        public int Writes, Opens, Completes;
        public (int W, int H, int C) Opened;
        public string Description => "capture";
        public ValueTask OpenAsync(int width, int height, int channels, VideoInfo source, CancellationToken ct) { Opens++; Opened = (width, height, channels); return ValueTask.CompletedTask; }
        public ValueTask WriteAsync(Frame frame, FrameStamp stamp, CancellationToken ct) { Writes++; Last = frame.Clone(); return ValueTask.CompletedTask; }
        public ValueTask CompleteAsync(CancellationToken ct) { Completes++; return ValueTask.CompletedTask; }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static Frame Filled(int w, int h, int c, Func<int, int, int, byte> value)
    {
        var f = new Frame(w, h, c);
        for (int y = 0; y < h; y++) { var r = f.RowSpan(y); for (int x = 0; x < w; x++) for (int k = 0; k < c; k++) r[x * c + k] = value(x, y, k); }
        return f;
    }

    [Fact]
    public async Task TilesAreComposedInPlaceWithLabels()
    {
        var capture = new CaptureSink();
        await using var mosaic = new MosaicPreview(["source", "gauss", "sobel"], 80, 60, output: capture);
        Assert.Equal((2, 2, 160, 120), (mosaic.Layout.Columns, mosaic.Layout.Rows, mosaic.Layout.Width, mosaic.Layout.Height));
        var info = new VideoInfo { Width = 80, Height = 60, Channels = 3 };
        foreach (var input in mosaic.Inputs) await input.OpenAsync(80, 60, 3, info, CancellationToken.None);
        Assert.Equal((1, (160, 120, 3)), (capture.Opens, capture.Opened));

        var color = Filled(80, 60, 3, (x, y, k) => (byte)(x + 2 * y + 50 * k));
        var gray = Filled(40, 30, 1, (x, y, _) => (byte)(100 + x));  // half size: scaled 2x by nearest neighbour
        await mosaic.Inputs[0].WriteAsync(color, default, CancellationToken.None);
        await mosaic.Inputs[2].WriteAsync(gray, default, CancellationToken.None);
        var canvas = capture.Last!;
        Assert.Equal(2, capture.Writes);

        // Below the label box (rows ≥ 4 + 9 = 13) the tiles are the inputs' pixels, exactly.
        for (int y = 20; y < 60; y++)
            for (int x = 0; x < 80; x++)
            {
                for (int k = 0; k < 3; k++) Assert.Equal(color.RowSpan(y)[3 * x + k], canvas.RowSpan(y)[3 * x + k]);
                // sobel is tile 2: row 1, column 0; its gray pixel (x/2, y/2) becomes B=G=R.
                for (int k = 0; k < 3; k++) Assert.Equal((byte)(100 + x / 2), canvas.RowSpan(60 + y)[3 * x + k]);
            }
        // The gauss tile got no frame yet: black except its label; the fourth cell stays black.
        Assert.True(canvas.RowSpan(50).Slice(80 * 3, 80 * 3).IndexOfAnyExcept((byte)0) < 0);
        Assert.True(canvas.RowSpan(110).Slice(80 * 3, 80 * 3).IndexOfAnyExcept((byte)0) < 0);
        // Labels: white glyph pixels on a black box in each tile's top-left corner.
        foreach (var (ox, oy) in new[] { (0, 0), (80, 0), (0, 60) })
        {
            int white = 0;
            for (int y = oy + 4; y < oy + 13; y++)
                for (int x = ox + 4; x < ox + 40; x++)
                    if (canvas.RowSpan(y)[3 * x] == 255 && canvas.RowSpan(y)[3 * x + 1] == 255 && canvas.RowSpan(y)[3 * x + 2] == 255) white++;
            Assert.InRange(white, 20, 200);
        }
        // The output completes once every input has.
        foreach (var input in mosaic.Inputs) await input.CompleteAsync(CancellationToken.None);
        Assert.Equal(1, capture.Completes);
    }

    [Fact]
    public void FontDrawsTheGlyphBitsScaled()
    {
        var f = new Frame(20, 20, 1);
        f.Bytes.Fill(77);
        BitmapFont.Draw(f, "T", 0, 0, scale: 2);
        // 'T' is a full top bar then a centre column; box = (5+2)x(7+2) cells of 2 px.
        for (int x = 2; x < 12; x++) Assert.Equal(255, f.RowSpan(2)[x]);
        Assert.Equal(255, f.RowSpan(10)[6]);
        Assert.Equal(0, f.RowSpan(10)[2]);
        Assert.Equal(0, f.RowSpan(0)[0]);   // margin of the box
        Assert.Equal(77, f.RowSpan(19)[19]); // outside the box: untouched
        Assert.Equal(BitmapFont.Glyph('?').ToArray(), BitmapFont.Glyph('~').ToArray());
        Assert.Equal(BitmapFont.Glyph('A').ToArray(), BitmapFont.Glyph('a').ToArray());
    }
}
