using ConvStream.Engine;
using ConvStream.Engine.Filters;
using ConvStream.Engine.Imaging;

namespace ConvStream.Engine.Tests.Imaging;

/// <summary>A planar frame's payload is its (C,H,W) tensor; its format and conversions keep the layout.</summary>
public class PlanarFrameTests
{
    [Fact]
    public void PlanesAreTheFramesOwnPinnedMemory()
    {
        var f = Frame.Planar(5, 3, 2);
        Assert.Equal(FrameLayout.Planar, f.Layout);
        Assert.Equal((2, 3, 5), (f.Planes.Dim(0), f.Planes.Dim(1), f.Planes.Dim(2)));
        Assert.Equal(5 * 3 * 2 * sizeof(float), f.Bytes.Length);
        f.Planes[1, 2, 4] = 7.5f;
        // The last sample of the last plane is the frame's last four bytes.
        Assert.Equal(7.5f, BitConverter.ToSingle(f.Bytes[^4..]));
        f.Bytes.Clear();
        Assert.Equal(0f, f.Planes[1, 2, 4]);
        Assert.False(f.IsView);
        Assert.Equal("5x3x2 f32 planar", f.ShapeText);
        // Its rows are not pixel rows: a reader that expects interleaved frames is stopped, not fed planes.
        Assert.Throws<InvalidOperationException>(() => f.Row<float>(0));
        Assert.Throws<InvalidOperationException>(() => new Frame(5, 3, 2, PixelDepth.F32).Planes);
    }

    [Fact]
    public void FormatsKeepTheLayout_TheirTextDoesNot()
    {
        var interleaved = new FrameFormat(8, 4, 3, PixelDepth.U8);
        var planar = interleaved.AsPlanar;
        Assert.Equal(new FrameFormat(8, 4, 3, PixelDepth.F32) { Layout = FrameLayout.Planar }, planar);
        Assert.NotEqual(planar.AsInterleaved, planar);
        Assert.Equal("8x4x3 f32", planar.ToString());
        var f = planar.Allocate();
        Assert.Equal(planar, FrameFormat.Of(f));
        Assert.Equal(FrameLayout.Interleaved, FrameFormat.Of(interleaved.Allocate()).Layout);
        Assert.Throws<ConvStreamException>(() => (interleaved with { Layout = FrameLayout.Planar }).Allocate());
    }

    [Fact]
    public void ConvertingThroughPlanarFramesIsExact_AndCopiesAreWhole()
    {
        var rng = new Random(9);
        var src = new Frame(7, 5, 3, PixelDepth.F32);
        for (int y = 0; y < 5; y++) foreach (ref float v in src.Row<float>(y)) v = (float)(rng.NextDouble() * 600 - 300);
        var planar = FrameFormat.Of(src).AsPlanar.Allocate();
        FrameConvert.ToTensor(src, planar.Planes);
        Assert.Equal(src.Row<float>(2)[4 * 3 + 1], planar.Planes[1, 2, 4]);
        var copy = planar.Clone();
        Assert.Equal(FrameLayout.Planar, copy.Layout);
        Assert.True(copy.Planes.Span.SequenceEqual(planar.Planes.Span));
        // Planar → planar is a copy, both ways.
        var again = Frame.Planar(7, 5, 3);
        FrameConvert.ToTensor(copy, again.Planes);
        var back = new Frame(7, 5, 3, PixelDepth.F32);
        FrameConvert.FromTensor(again.Planes, back);
        Assert.True(back.ToPacked().AsSpan().SequenceEqual(src.ToPacked()));
        Assert.Throws<ConvStreamException>(() => planar.CopyTo(new Frame(7, 5, 3, PixelDepth.F32)));
    }
}
